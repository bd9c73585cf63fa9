"""From the engine's committed steps to notifications: a case entering a state someone must act
in is a new task for them; a case sent back is "returned" for them and for the person whose step
it undoes; an objection filed is for those who resolve it at the notice's level. Records run on
a process of their own (``subjects``) say themselves who is told of their entries. The person who
took the step is not told of it."""

import functools

from django.contrib.contenttypes.models import ContentType
from django_tasks import task

from approvals.listeners import Step
from approvals.models import AuditEntry
from approvals.spec import FILE_OBJECTION

from . import recipients, sending, subjects
from .models import Kind, Notification


def is_return(workflow, entry) -> bool:
    """A step back: to a state declared before the one it left (the procedure's order)."""
    order = list(workflow.states)
    return bool(entry.from_state) and order.index(entry.to_state) < order.index(entry.from_state)


def on_steps(steps: list[Step]) -> None:
    """The listener the engine calls in the steps' transaction (``approvals.listeners``,
    ``with_step``): the task's row commits with the steps or not at all, and who is to be told
    is worked out by the worker once it has, so the request that took the steps pays one INSERT
    for them and no commit of its own."""
    tell.enqueue([step.entry.pk for step in steps])


@task()
def tell(entry_ids: list[int]) -> int:
    """Store the notifications of the steps recorded by ``entry_ids``; how many were made."""
    entries = list(AuditEntry.objects.filter(pk__in=entry_ids).order_by("pk"))
    cases = _cases_of(entries)
    # A batch moves many cases of one region and state: their people are looked up once.
    holders = functools.cache(recipients.holders)
    notes = [
        note
        for entry in entries
        if (case := cases.get((entry.content_type_id, entry.object_id))) is not None
        for note in _notes_for(case, entry, holders)
    ]
    sending.store(notes)
    return len(notes)


def _cases_of(entries) -> dict[tuple[int, int], object]:
    """The cases ``entries`` were written on, with their regions: one query per procedure."""
    ids: dict[int, list[int]] = {}
    for entry in entries:
        ids.setdefault(entry.content_type_id, []).append(entry.object_id)
    cases = {}
    for content_type_id, object_ids in ids.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        found = model._base_manager.select_related("region").in_bulk(object_ids)
        cases.update({(content_type_id, pk): case for pk, case in found.items()})
    return cases


def _notes_for(case, entry: AuditEntry, holders) -> list[Notification]:
    subject = subjects.of_model(type(case))
    told = subject.told(case, entry) if subject else _told_of_step(case, entry, holders)
    key = f"entry:{entry.content_type_id}:{entry.object_id}:{entry.seq}"
    return [
        note(
            case,
            user_id,
            each.kind,
            key=key,
            state=each.state,
            created_at=entry.created_at,
            detail=each.detail,
            due_on=each.due_on,
        )
        for each in told
        for user_id in sorted(each.user_ids - {entry.actor_id})
    ]


def _told_of_step(case, entry: AuditEntry, holders) -> list[subjects.Told]:
    """Who is told of a procedure case's step, by the engine's roles in the case's region."""
    workflow = case.workflow
    code = case.region.code
    if entry.action == FILE_OBJECTION:
        notice = workflow.states[entry.to_state].notice
        told = holders(tuple(recipients.acting(notice.resolver_roles)), code)
        return [subjects.Told(frozenset(told), Kind.OBJECTION, entry.to_state)]
    if entry.from_state == entry.to_state:
        return []
    told = set(holders(tuple(recipients.roles_awaiting(workflow, entry.to_state)), code))
    if not is_return(workflow, entry):
        return [subjects.Told(frozenset(told), Kind.TASK, entry.to_state)]
    told |= recipients.whose_step(case, entry)
    return [subjects.Told(frozenset(told), Kind.RETURNED, entry.to_state, entry.comment)]


def note(case, user_id: int, kind: str, *, key: str, **fields) -> Notification:
    """An unsaved notification about ``case``, in its current state unless ``state`` is given
    (a step's: the case may have moved on before the worker got to it)."""
    fields.setdefault("state", case.state)
    return Notification(
        user_id=user_id,
        kind=kind,
        content_type_id=ContentType.objects.get_for_model(case).pk,
        object_id=case.pk,
        workflow=subjects.name_of(case),
        case_label=str(case)[:200],
        key=key,
        **fields,
    )
