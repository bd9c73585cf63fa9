"""Which model runs which procedure, and the django-fsm-2 transition methods the engine drives.

When a concrete subclass of ``WorkflowCase`` is prepared, each transition of its workflow becomes
a method on the model decorated with ``django_fsm.transition`` (one decorator per source state, so
``close_notice`` can lead to a different state from each notice). The engine calls that method;
nothing else should.
"""

from django.core.exceptions import ImproperlyConfigured
from django_fsm import GET_STATE, transition

from .spec import Workflow

_models: dict[str, type] = {}


def install_workflow(sender, **kwargs):
    workflow = getattr(sender, "workflow", None)
    if not isinstance(workflow, Workflow) or sender._meta.abstract:
        return
    existing = _models.get(workflow.name)
    if existing is not None and existing._meta.label != sender._meta.label:
        raise ImproperlyConfigured(f"Workflow {workflow.name} is already run by {existing}")
    field = sender._meta.get_field("state")
    names = dict.fromkeys(t.name for t in workflow.transitions)
    for name in names:
        if hasattr(sender, name) and not hasattr(getattr(sender, name), "_django_fsm"):
            raise ImproperlyConfigured(f"{sender.__name__}.{name} clashes with a transition name")
        setattr(sender, name, _transition_method(workflow, name, field))
    _models[workflow.name] = sender


def _transition_method(workflow: Workflow, name: str, field):
    def method(self, ctx=None):
        """Moves the state; run only by approvals.perform, which checks roles and guards."""

    method.__name__ = name
    decorated = method
    for t in workflow.transitions:
        if t.name != name:
            continue
        if callable(t.target):
            choose = t.target
            target = GET_STATE(lambda obj, *a, _choose=choose, **kw: _choose(obj), states=t.targets)
        else:
            target = t.target
        decorated = transition(field=field, source=list(t.source), target=target)(decorated)
    return decorated


def workflow_models() -> dict[str, type]:
    """Every registered procedure by name, with the model that runs it."""
    return dict(_models)


def model_for(workflow) -> type:
    """The model running ``workflow``: a name, a ``Workflow`` or the model itself."""
    if isinstance(workflow, type):
        return workflow
    name = workflow if isinstance(workflow, str) else workflow.name
    try:
        return _models[name]
    except KeyError:
        raise LookupError(f"No model runs the workflow {workflow!r}") from None
