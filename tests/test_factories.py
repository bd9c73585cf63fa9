"""Every model of the project has a factory: in tests/factories.py, or for a procedure's cases
its own ``Procedure.factory``."""

import inspect

import factory
from django.apps import apps

from approvals.procedures import procedures
from tests import factories

PROJECT_PACKAGES = ("approvals", "roles", "workflows", "admin_site", "notifications", "tests")


def project_models():
    return [
        model
        for model in apps.get_models()
        if model.__module__.split(".")[0] in PROJECT_PACKAGES
        and not model._meta.abstract
        and not model._meta.proxy
    ]


def factories_by_model():
    return {
        f._meta.model: f
        for _, f in inspect.getmembers(factories, inspect.isclass)
        if issubclass(f, factory.Factory) and f._meta.model is not None
    }


def test_every_model_of_the_project_has_a_factory():
    made = {*factories_by_model(), *(p.model for p in procedures() if p.factory is not None)}
    missing = [m._meta.label for m in project_models() if m not in made]
    assert missing == []
