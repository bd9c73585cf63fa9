"""The approvals engine: procedures as data, actions enforced by role and jurisdiction, audited.

The public contract (DESIGN.md §4)::

    from approvals import perform, available_actions, queue_for
    entry = perform(obj, "township_approve", user, comment="…", data={…})
"""

import importlib

PUBLIC = {
    "perform",
    "available_actions",
    "queue_for",
    "perform_bulk",
    "create_case",
    "open_case",
    "record_edit",
}


def __getattr__(name):
    # The engine imports models, so it loads on first use rather than with the app registry.
    if name in PUBLIC:
        return getattr(importlib.import_module("approvals.engine"), name)
    raise AttributeError(f"module 'approvals' has no attribute {name!r}")
