"""What the system does when time runs out: closing the public notices whose period has ended
with nothing unresolved (``manage.py close_due_notices``, run hourly). Each close is a step taken
through ``perform`` as the timers' account, so it is checked and audited like any other.

A procedure with deadlines of its own (the rectification campaigns' reminders and overdue marks)
registers its timer here (``register``) from its app's ``ready()``; the same hourly command runs
every registered timer after the notices, so the site has one timer mechanism and one cron line.
"""

import dataclasses
import logging
from collections.abc import Callable

from . import clock
from .engine import perform
from .exceptions import ConflictError, TransitionNotAllowed
from .models import NoticePeriod
from .spec import CLOSE_NOTICE
from .system import system_user

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class CloseReport:
    closed: int = 0
    skipped: int = 0


def close_due_notices() -> CloseReport:
    """Close every notice whose period has run out with no objection open.

    Idempotent, and safe to run twice at once: each case is closed under its row lock, and a
    runner that finds the case already moved skips it.
    """
    now = clock.now()
    actor = system_user()
    report = CloseReport()
    due = (
        NoticePeriod.objects.running()
        .filter(suspended_at__isnull=True, ends_at__lte=now)
        .order_by("ends_at", "pk")
    )
    for notice in due.iterator():
        case = notice.case
        if case is None or case.state != notice.state:
            report.skipped += 1
            continue
        try:
            perform(case, CLOSE_NOTICE, actor)
        except (ConflictError, TransitionNotAllowed) as exc:
            logger.info("Notice %s not closed: %s", notice.pk, exc)
            report.skipped += 1
        else:
            report.closed += 1
    return report


# Procedures' timers by name, in the order they were registered; each returns a report whose
# ``str()`` says what it did.
_procedure_timers: dict[str, Callable[[], object]] = {}


def register(name: str, timer: Callable[[], object]) -> None:
    """Run ``timer`` with every run of the hourly timer command (registering twice replaces)."""
    _procedure_timers[name] = timer


def procedure_timers() -> dict[str, Callable[[], object]]:
    return dict(_procedure_timers)


def run_procedure_timers() -> dict[str, object]:
    """Run every registered timer; a failing one is logged and does not stop the others."""
    reports = {}
    for name, timer in _procedure_timers.items():
        try:
            reports[name] = timer()
        except Exception:
            logger.exception("Timer %s failed", name)
            reports[name] = "failed"
    return reports
