"""What the pages mark overdue: a unit's task still open past its due date, a problem not closed
past its deadline. (A campaign's figures are ``figures``'.)"""

from django.utils import timezone

from .choices import ProblemState, UnitTaskState

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
