"""What a campaign's page and a problem's page count: items by state and tier, what is overdue,
and each unit's progress, read from the problems and their units' tasks of the latest rounds."""

import dataclasses

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from .choices import ProblemState, Tier, UnitTaskState
from .models import RectificationRound, UnitTask

OPEN_STATES = (UnitTaskState.PLANNING, UnitTaskState.REPORTING, UnitTaskState.SENT_BACK)


def is_overdue(unit_task, today=None) -> bool:
    """A unit's task still open past its due date (or marked overdue by the timer)."""
    today = today or timezone.localdate()
    if unit_task.state not in OPEN_STATES:
        return False
    return bool(unit_task.overdue_since or (unit_task.due_on and unit_task.due_on < today))


def problem_is_overdue(problem, today=None) -> bool:
    today = today or timezone.localdate()
    due = problem.due_date
    return problem.state != ProblemState.CLOSED and bool(due and due < today)


def latest_tasks(problems):
    """The unit tasks of each problem's latest round."""
    latest = (
        RectificationRound.objects.filter(problem=OuterRef("problem"))
        .values("problem")
        .annotate(n=Max("number"))
        .values("n")
    )
    return UnitTask.objects.filter(problem__in=problems, round__number=Subquery(latest))


@dataclasses.dataclass
class UnitProgress:
    unit: object
    assigned: int = 0
    reported: int = 0
    accepted: int = 0
    open: int = 0
    overdue: int = 0
    recurring: int = 0


def by_state_and_tier(problems) -> dict:
    """{"rows": [(state label, [count per tier], total)], "tiers": [tier labels]}."""
    counts = {}
    for problem in problems:
        counts[(problem.state, problem.tier)] = counts.get((problem.state, problem.tier), 0) + 1
    rows = []
    for state, label in ProblemState.choices:
        cells = [counts.get((state, tier), 0) for tier in Tier.values]
        rows.append((label, cells, sum(cells)))
    return {"rows": rows, "tiers": Tier.labels}


def unit_progress(problems, today=None) -> list[UnitProgress]:
    today = today or timezone.localdate()
    progress: dict[int, UnitProgress] = {}
    for task in latest_tasks(problems).select_related("unit", "round").order_by("unit__pk"):
        row = progress.setdefault(task.unit_id, UnitProgress(task.unit))
        row.assigned += 1
        row.reported += task.state in (UnitTaskState.REPORTED, UnitTaskState.ACCEPTED)
        row.accepted += task.state == UnitTaskState.ACCEPTED
        row.open += task.state in OPEN_STATES
        row.overdue += is_overdue(task, today)
        row.recurring += task.round.recurring
    return list(progress.values())
