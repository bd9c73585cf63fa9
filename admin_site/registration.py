"""Registering the procedures' admin options on the site, with jurisdiction scoping.

Each procedure package may have an ``admin_options`` module with ``ADMINS = {Model: ModelAdmin}``;
they are registered here, mixed with ``ScopedAdmin`` (``CaseAdmin`` for procedure cases,
``RecordAdmin`` for other records in a region with an audit chain; policy data, versions included,
as ``PolicyDataAdmin``), so a new procedure needs no change in
admin_site.
"""

import importlib
import pkgutil

from django.contrib import admin

import workflows
from approvals.models import ChainedRecord, Policy, WorkflowCase

from .audited import RecordAdmin
from .cases import CaseAdmin
from .policies import PolicyAdmin
from .scoping import PolicyDataAdmin, ScopedAdmin, region_path


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
    for module in pkgutil.iter_modules(workflows.__path__):
        try:
            options = importlib.import_module(f"workflows.{module.name}.admin_options")
        except ModuleNotFoundError:
            continue
        for model, model_admin in options.ADMINS.items():
            site.register(model, admin_class(model, model_admin))
    site.register(Policy, admin_class(Policy, PolicyAdmin))
