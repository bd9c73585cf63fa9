"""Registering the procedures' admin options on the site, with jurisdiction scoping.

Each registered procedure (``approvals.procedures``) names the ModelAdmin options of its case
model and of its app's other records; they are registered here, mixed with ``ScopedAdmin``
(``CaseAdmin`` for procedure cases, ``RecordAdmin`` for other records in a region with an audit
chain; policy data, versions included, as ``PolicyDataAdmin``), as each procedure is
registered, so a new procedure needs no change in admin_site. A later procedure may extend the
options another registered for a shared record (the monitoring procedures add the assistance
plan to the household page) by naming a subclass of them. A procedure that names no admin
options still gets the case page, with Django's default options, so each case in a queue opens
on a page where it is acted on.
"""

from django.contrib import admin

from approvals.models import ChainedRecord, Policy, WorkflowCase
from approvals.procedures import on_register

from .audited import RecordAdmin
from .cases import CaseAdmin
from .policies import PolicyAdmin
from .scoped_admin import PolicyDataAdmin, ScopedAdmin, region_path


def admin_class(model, options):
    """The class registered for ``model``: the procedure's options with the site's rules."""
    if issubclass(model, WorkflowCase):
        bases = (CaseAdmin, options)
    elif issubclass(model, ChainedRecord) and region_path(model):
        bases = (RecordAdmin, options)
    elif region_path(model):
        bases = (ScopedAdmin, options)
    else:
        bases = (PolicyDataAdmin, options)
    return type(f"Site{options.__name__}", bases, {"region_field": region_path(model)})


def register_procedures(site=admin.site):
    """Register the policy versions now, and each procedure's admins as it is registered."""

    chosen = {}  # the options each model is registered with

    def register(procedure):
        admins = {**procedure.records, procedure.model: procedure.admin or admin.ModelAdmin}
        for model, options in admins.items():
            known = chosen.get(model)
            if known is None and site.is_registered(model):
                continue  # registered by the site itself
            if known is not None:
                if options is known or not issubclass(options, known):
                    continue
                site.unregister(model)
            site.register(model, admin_class(model, options))
            chosen[model] = options

    # The versions' own rules first: who keeps the holiday schedule besides superusers.
    site.register(Policy, type("SitePolicyAdmin", (PolicyAdmin, PolicyDataAdmin), {}))
    on_register(register)
