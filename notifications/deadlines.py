"""The due-date reminders, run with the hourly timers (``approvals.timers``): two working days
before a case's step is due, those who may act on it are told; once it is overdue, they and the
level above them are. Each case is told of once per stay in its state (the notifications' key
names the state and when the case entered it), so running it every hour repeats nothing."""

import dataclasses

from django.utils import timezone

from approvals import calendar
from approvals.procedures import workflow_models

from . import recipients, sending
from .events import note
from .models import Kind

# Told this many working days before the due date (on the working-day calendar).
REMIND_WORKING_DAYS = 2


@dataclasses.dataclass
class DeadlineReport:
    due_soon: int = 0
    overdue: int = 0

    def __str__(self):
        return f"due soon {self.due_soon}, overdue {self.overdue}"


def remind_of_deadlines() -> DeadlineReport:
    today = timezone.localdate()
    report = DeadlineReport()
    notes = []
    with calendar.reading():
        for model in workflow_models().values():
            timed = [s.name for s in model.workflow.states.values() if s.due_working_days]
            if not timed:
                continue
            cases = model._default_manager.filter(state__in=timed).select_related("region")
            for case in cases.iterator():
                notes += _notes_for(case, today, report)
    sending.store(notes)
    return report


def _notes_for(case, today, report) -> list:
    due = case.due_date
    if calendar.working_days_between(today, due) > REMIND_WORKING_DAYS:
        return []
    workflow, code = case.workflow, case.region.code
    acting = recipients.roles_awaiting(workflow, case.state)
    told = recipients.holders(tuple(acting), code)
    kind = Kind.DUE_SOON
    if due < today:
        kind = Kind.OVERDUE
        told |= recipients.holders(tuple(recipients.roles_above(workflow, acting)), code)
        report.overdue += 1
    else:
        report.due_soon += 1
    key = f"{kind}:{case._meta.label_lower}:{case.pk}:{case.state}:{case.state_since.isoformat()}"
    return [note(case, user_id, kind, key=key, due_on=due) for user_id in sorted(told)]
