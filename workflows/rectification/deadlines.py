"""The rectification timer: reminders before a unit's due date, overdue marks after it.

Registered with the project's hourly timer command (``manage.py close_due_notices``, see
``approvals.timers``); each reminder and mark is a step of the service as the timers' account,
written to the problem's chain under its lock, so two runs at once do each once.
"""

import dataclasses
import datetime
import logging

from django.utils import timezone

from approvals import calendar
from approvals.exceptions import ConflictError, TransitionNotAllowed
from approvals.system import system_user

from . import process
from .models import UnitTask

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class DeadlineReport:
    reminded: int = 0
    overdue: int = 0

    def __str__(self):
        return f"reminded {self.reminded}, overdue {self.overdue}"


def _open_with_due_date():
    return UnitTask.objects.filter(
        state__in=process.OPEN_UNIT_STATES, round__finished__isnull=True, due_on__isnull=False
    ).select_related("problem", "unit")


def run_deadlines(today: datetime.date | None = None) -> DeadlineReport:
    """Mark and report every overdue task, then remind every task due soon. Idempotent."""
    today = today or timezone.localdate()
    actor = system_user()
    report = DeadlineReport()
    late = _open_with_due_date().filter(due_on__lt=today).filter(escalated_on__isnull=True)
    soon = _open_with_due_date().filter(
        due_on__gte=today,
        due_on__lte=calendar.add_working_days(today, process.REMIND_WORKING_DAYS),
        reminded_on__isnull=True,
    )
    for step, tasks, counter in (
        (process.mark_overdue, late, "overdue"),
        (process.remind, soon, "reminded"),
    ):
        for unit_task in tasks.order_by("due_on", "pk").iterator():
            try:
                done = step(unit_task, actor=actor, today=today)
            except (ConflictError, TransitionNotAllowed) as exc:
                logger.info("Unit task %s skipped: %s", unit_task.pk, exc)
                continue
            setattr(report, counter, getattr(report, counter) + done)
    return report
