"""The django-fsm-2 transition methods a case model gets from its workflow: the one place a
state moves.

``install`` runs when the model class is created (``WorkflowCase.__init_subclass__``), before
Django prepares the class, so django-fsm-2 collects the methods like hand-written ones: the
state field stays protected and ``get_all_state_transitions()`` lists them. Each method takes the
target the engine resolved (``move``) and django-fsm-2 checks it against the spec: from a state
the transition does not leave, or to a target it cannot reach, the method refuses.
"""

from django.core.exceptions import ImproperlyConfigured
from django_fsm import RETURN_VALUE, transition

from .spec import Transition, Workflow


def install(model, workflow: Workflow) -> None:
    """Give ``model`` one transition method per transition name of ``workflow``."""
    for name in dict.fromkeys(t.name for t in workflow.transitions):
        existing = getattr(model, name, None)
        if existing is not None and not hasattr(existing, "_django_fsm"):
            raise ImproperlyConfigured(f"{model.__name__}.{name} clashes with a transition name")
        setattr(model, name, _method(workflow, name))


def _method(workflow: Workflow, name: str):
    def method(self, target):
        """Moves the state to ``target``; run only by approvals.perform, which checks roles,
        guards and resolves the target."""
        return target

    method.__name__ = name
    decorated = method
    # One decorator per transition of this name: ``close_notice`` leaves each notice state for
    # targets of its own. A chosen target is whichever the engine hands over, if the spec allows.
    for t in workflow.transitions:
        if t.name == name:
            target = RETURN_VALUE(*t.targets) if callable(t.target) else t.target
            decorated = transition(field="state", source=list(t.source), target=target)(decorated)
    return decorated


def target_of(transition: Transition, case) -> str | None:
    """Where ``transition`` takes ``case``: its target, or the one its policy branch chooses."""
    return transition.target(case) if callable(transition.target) else transition.target


def move(case, transition: Transition) -> None:
    """Run ``transition``'s method on ``case`` with the target resolved from the same spec
    entry; django-fsm-2's refusals (``TransitionNotAllowed``, ``InvalidResultState``) propagate."""
    getattr(case, transition.name)(target_of(transition, case))
