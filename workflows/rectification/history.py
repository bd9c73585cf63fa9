"""When each problem of a campaign was open, read from the problems' audit trails.

A problem is open from the first entry of its chain until an entry takes it to 已销号, and open
again from an entry that takes it out of 已销号 (a re-opening after a look-back). Only those
entries change whether it is open, so they are the only ones read: one query for a whole
campaign, whatever the number of problems or days. The burn-down, the monthly report and the
ledger's 销号时间 and 销号人 all come from here, so they agree with the trail by construction.
"""

import dataclasses
import datetime
from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from approvals.models import AuditEntry

from .choices import ProblemState
from .models import Problem

CLOSED = ProblemState.CLOSED


@dataclasses.dataclass(frozen=True)
class Change:
    """An entry that opened, closed or re-opened a problem."""

    at: datetime.datetime
    opens: bool
    actor: tuple[str, str, str] | None  # username, first name, last name

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.at)


@dataclasses.dataclass
class ProblemHistory:
    """One problem's openings and closings, oldest first."""

    changes: list[Change] = dataclasses.field(default_factory=list)

    def open_before(self, moment: datetime.datetime) -> bool:
        """Was the problem open just before ``moment``?"""
        state = False
        for change in self.changes:
            if change.at >= moment:
                break
            state = change.opens
        return state

    def opened_before(self, moment: datetime.datetime) -> bool:
        """Had the problem been opened at all before ``moment``?"""
        return bool(self.changes) and self.changes[0].at < moment

    def reopenings(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """How many times the problem was re-opened in [start, end)."""
        return sum(1 for c in self.changes[1:] if c.opens and start <= c.at < end)

    @property
    def closing(self) -> Change | None:
        """The closing that holds now, if the problem is closed."""
        if self.changes and not self.changes[-1].opens:
            return self.changes[-1]
        return None


def histories(problems) -> dict[int, ProblemHistory]:
    """The history of every problem in ``problems`` (a queryset), by problem id, in one query."""
    entries = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Problem),
            object_id__in=problems.values("pk"),
        )
        .filter(Q(from_state="") | Q(to_state=CLOSED) | Q(from_state=CLOSED))
        .order_by("object_id", "seq")
        .values_list(
            "object_id", "created_at", "to_state",
            "actor__username", "actor__first_name", "actor__last_name",
        )
    )  # fmt: skip
    found: dict[int, ProblemHistory] = {}
    for problem_id, at, to_state, username, first, last in entries:
        actor = (username, first, last) if username is not None else None
        found.setdefault(problem_id, ProblemHistory()).changes.append(
            Change(at, to_state != CLOSED, actor)
        )
    return found


def open_per_day(
    found: dict[int, ProblemHistory], start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, int]]:
    """How many problems were open at the end of each day from ``start`` to ``end``; what
    happened before ``start`` counts on ``start``."""
    deltas: Counter[datetime.date] = Counter()
    for history in found.values():
        for change in history.changes:
            deltas[max(change.day, start)] += 1 if change.opens else -1
    days, open_now, day = [], 0, start
    while day <= end:
        open_now += deltas[day]
        days.append((day, open_now))
        day += datetime.timedelta(days=1)
    return days
