"""The approvals engine: procedures as data, actions enforced by role and jurisdiction, audited.

The public contract (DESIGN.md §4)::

    from approvals import perform, available_actions, queue_for
    entry = perform(obj, "township_approve", user, comment="…", data={…})
"""

import importlib

# Each public name and the module that defines it.
PUBLIC = {
    "perform": "approvals.engine",
    "available_actions": "approvals.engine",
    "queue_for": "approvals.engine",
    "perform_bulk": "approvals.bulk",
    "create_case": "approvals.engine",
    "open_case": "approvals.engine",
    "record_edit": "approvals.edits",
    "create_record": "approvals.edits",
    "import_case": "approvals.importing",
    "import_record": "approvals.importing",
    "may_import": "approvals.decisions",
    "may_open": "approvals.decisions",
    "may_edit": "approvals.decisions",
    "may_read": "approvals.decisions",
}


def __getattr__(name):
    # The engine imports models, so it loads on first use rather than with the app registry.
    if name in PUBLIC:
        return getattr(importlib.import_module(PUBLIC[name]), name)
    raise AttributeError(f"module 'approvals' has no attribute {name!r}")
