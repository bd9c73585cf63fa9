"""What the system does when time runs out: closing the public notices whose period has ended
with nothing unresolved (``manage.py close_due_notices``, run hourly). Each close is a step taken
through ``perform`` as the timers' account, so it is checked and audited like any other."""

import dataclasses
import logging

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
