"""Who the inbox tells of a problem's events (``notifications.subjects``), as the engine's
steps tell of a case's: a unit's new task (its plan, then its report) reaches the people acting
for the unit; the lead unit hears when every unit has reported, the office when the lead unit has
accepted; a unit sent back is told with its reason; a reminder reaches those its entry says were
reminded, and an overdue task its unit and the level above (the lead unit's heads, or the
office). People are found from the role assignments in force, as the tasks themselves are
assigned (``roles.units``)."""

import datetime

from django.contrib.auth import get_user_model

from notifications.models import Kind
from notifications.subjects import Subject, Told
from roles import units as unit_people
from roles.models import Unit

from .choices import Event, ProblemState, UnitTaskState
from .models import Problem

STATE_LABELS = {**dict(ProblemState.choices), **dict(UnitTaskState.choices)}


def _people(*units) -> frozenset[int]:
    return frozenset(
        pk for unit in units for pk in unit_people.members(unit).values_list("pk", flat=True)
    )


def _named(usernames) -> frozenset[int]:
    users = get_user_model().objects.filter(username__in=usernames, is_active=True)
    return frozenset(users.values_list("pk", flat=True))


def told(problem: Problem, entry) -> list[Told]:
    """Who is told what of ``entry``, an event of ``problem``'s chain."""
    data = entry.data
    due = datetime.date.fromisoformat(data["due_on"]) if data.get("due_on") else None
    unit = Unit.objects.filter(pk=data["unit"]).first() if "unit" in data else None
    if entry.action == Event.FANNED_OUT:
        units = Unit.objects.filter(pk__in=data["units"]).order_by("pk")
        return [Told(_people(u), Kind.TASK, UnitTaskState.PLANNING, u.name) for u in units]
    if entry.action == Event.PLAN_SUBMITTED:
        return [Told(_people(unit), Kind.TASK, UnitTaskState.REPORTING, unit.name)]
    if entry.action == Event.SENT_BACK:
        return [Told(_people(unit), Kind.RETURNED, UnitTaskState.REPORTING, entry.comment)]
    if entry.action == Event.JOINED:
        return [Told(_people(problem.lead_unit), Kind.TASK, ProblemState.VERIFYING)]
    if entry.action == Event.ACCEPTED:
        return [Told(_people(problem.campaign.office), Kind.TASK, ProblemState.CLOSING)]
    if entry.action == Event.REMINDED:
        return [Told(_named(data["told"]), Kind.DUE_SOON, entry.to_state, unit.name, due)]
    if entry.action == Event.OVERDUE:
        everyone = _people(unit) | _named(data["told"])
        return [Told(everyone, Kind.OVERDUE, entry.to_state, unit.name, due)]
    return []


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


SUBJECT = Subject(Problem, "rectification", told, state_label)
