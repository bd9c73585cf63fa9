"""From the engine's committed steps to notifications: a case entering a state someone must act
in is a new task for them; a case sent back is "returned" for them and for the person whose step
it undoes; an objection filed is for those who resolve it at the notice's level. The person who
took the step is not told of it."""

import functools

from django.contrib.contenttypes.models import ContentType

from approvals.listeners import Step
from approvals.spec import FILE_OBJECTION

from . import recipients, sending
from .models import Kind, Notification


def is_return(workflow, entry) -> bool:
    """A step back: to a state declared before the one it left (the procedure's order)."""
    order = list(workflow.states)
    return bool(entry.from_state) and order.index(entry.to_state) < order.index(entry.from_state)


def on_steps(steps: list[Step]) -> None:
    """The listener the engine calls after commit (``approvals.listeners``)."""
    # A batch moves many cases of one region and state: their people are looked up once.
    holders = functools.cache(recipients.holders)
    notes = [note for step in steps for note in _notes_for(step, holders)]
    sending.store(notes)


def _notes_for(step: Step, holders) -> list[Notification]:
    case, entry = step.case, step.entry
    workflow = case.workflow
    code = case.region.code
    if entry.action == FILE_OBJECTION:
        kind = Kind.OBJECTION
        notice = workflow.states[entry.to_state].notice
        told = holders(tuple(recipients.acting(notice.resolver_roles)), code)
    elif entry.from_state != entry.to_state:
        told = set(holders(tuple(recipients.roles_awaiting(workflow, entry.to_state)), code))
        kind = Kind.TASK
        if is_return(workflow, entry):
            kind = Kind.RETURNED
            told |= recipients.whose_step(case, entry.to_state)
    else:
        return []
    return [
        note(
            case,
            user_id,
            kind,
            key=f"entry:{entry.content_type_id}:{entry.object_id}:{entry.seq}",
            created_at=entry.created_at,
            detail=entry.comment if kind == Kind.RETURNED else "",
        )
        for user_id in sorted(told - {entry.actor_id})
    ]


def note(case, user_id: int, kind: str, *, key: str, **fields) -> Notification:
    """An unsaved notification about ``case`` in its current state."""
    return Notification(
        user_id=user_id,
        kind=kind,
        content_type_id=ContentType.objects.get_for_model(case).pk,
        object_id=case.pk,
        workflow=case.workflow.name,
        state=case.state,
        case_label=str(case)[:200],
        key=key,
        **fields,
    )
