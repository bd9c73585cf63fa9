"""The procedures, one app each; each registers its ``approvals.procedures.Procedure`` from its
``AppConfig.ready()`` (see docs/adding-a-procedure.md)."""
