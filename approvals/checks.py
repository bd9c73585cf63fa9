"""Django system checks of every registered procedure's spec (``manage.py check``).

A spec with a mistake that would only show when a case reaches it is refused at start-up:

- ``approvals.E001`` a transition or notice names a role that is in no catalogue;
- ``approvals.E002`` a string where a tuple of names belongs (``roles="county_office"`` would be
  taken letter by letter; construction refuses it too, this catches specs changed afterwards);
- ``approvals.E003`` a state no case can reach from the first one;
- ``approvals.E004`` a notice whose period, once over, closes to no other state;
- ``approvals.E005`` a procedure, state, transition or input without a label.
"""

from __future__ import annotations

from django.core import checks

from roles.catalogue import Role

from .procedures import workflow_models
from .spec import CLOSE_NOTICE, SYSTEM_ROLE, TUPLE_FIELDS, Workflow

KNOWN_ROLES = frozenset(Role.values) | {SYSTEM_ROLE}


def _error(workflow: Workflow, id_: str, message: str, hint: str | None = None) -> checks.Error:
    return checks.Error(f"{workflow.name}: {message}", hint=hint, obj=workflow, id=id_)


def _unknown_roles(workflow: Workflow) -> list[checks.Error]:
    errors = []
    for t in workflow.transitions:
        if isinstance(t.roles, str):
            continue  # E002 says what is wrong with it
        for role in t.roles:
            if role not in KNOWN_ROLES:
                errors.append(
                    _error(
                        workflow,
                        "approvals.E001",
                        f"transition {t.name} names the unknown role {role!r}",
                        hint="Roles are those of roles.catalogue.Role (or the system's).",
                    )
                )
    return errors


def _text_for_tuples(workflow: Workflow) -> list[checks.Error]:
    errors = []
    for t in workflow.transitions:
        for name in TUPLE_FIELDS:
            value = getattr(t, name)
            if isinstance(value, str):
                errors.append(
                    _error(
                        workflow,
                        "approvals.E002",
                        f"transition {t.name}: {name} is the string {value!r}, not a tuple",
                        hint=f"Write {name}=({value!r},).",
                    )
                )
    return errors


def reachable_states(workflow: Workflow) -> set[str]:
    """Every state a case can be in: the first, and any a transition leads to from one of them."""
    reached, frontier = {workflow.initial}, [workflow.initial]
    while frontier:
        state = frontier.pop()
        for t in workflow.transitions_from(state):
            for target in t.possible_targets():
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
    return reached


def _unreachable(workflow: Workflow) -> list[checks.Error]:
    reached = reachable_states(workflow)
    return [
        _error(workflow, "approvals.E003", f"no transition leads to the state {name!r}")
        for name in workflow.states
        if name not in reached
    ]


def _notices_without_close(workflow: Workflow) -> list[checks.Error]:
    errors = []
    for state in workflow.states.values():
        if state.notice is None:
            continue
        close = workflow.transition(CLOSE_NOTICE, state.name)
        targets = [t for t in close.possible_targets() if t != state.name] if close else []
        if not targets:
            errors.append(
                _error(
                    workflow,
                    "approvals.E004",
                    f"the notice in {state.name!r} closes to no other state",
                    hint="Give the Notice a close_to state (or close_targets= for a choice).",
                )
            )
    return errors


def _missing_labels(workflow: Workflow) -> list[checks.Error]:
    unlabelled = [] if str(workflow.label).strip() else ["the procedure"]
    unlabelled += [f"state {s.name}" for s in workflow.states.values() if not str(s.label).strip()]
    for t in workflow.transitions:
        if not str(t.label).strip():
            unlabelled.append(f"transition {t.name}")
        if isinstance(t.inputs, str):
            continue
        unlabelled += [f"input {t.name}.{i.name}" for i in t.inputs if not str(i.label).strip()]
    return [
        _error(workflow, "approvals.E005", f"{what} has no label", hint="Label it in Chinese.")
        for what in unlabelled
    ]


WORKFLOW_CHECKS = (
    _unknown_roles,
    _text_for_tuples,
    _unreachable,
    _notices_without_close,
    _missing_labels,
)


def workflow_errors(workflow: Workflow) -> list[checks.Error]:
    """Everything wrong with one procedure's spec."""
    return [error for check in WORKFLOW_CHECKS for error in check(workflow)]


def check_workflows(app_configs=None, **kwargs) -> list[checks.Error]:
    """The system check: every registered procedure's spec."""
    return [
        error for model in workflow_models().values() for error in workflow_errors(model.workflow)
    ]
