"""The monthly report (月排名): each responsible unit's figures for one month, and its rank.

What each figure counts is ``DEFINITIONS`` and how units are ranked is ``RANKING_RULE``; both
are written into the report itself, so whoever reads the ranking reads its rule. Units equal on
every figure the rule compares share a rank, and the next rank skips as many places (1, 2, 2, 4).
"""

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .history import histories
from .models import Problem, UnitTask
from .reading import Reading

DEFINITIONS = [
    (_("承担问题"), _("该单位负责、截至月末已交办的问题数")),
    (_("已销号"), _("其中截至月末已销号的问题数（反弹后尚未再次销号的不计）")),
    (_("销号率（%）"), _("已销号÷承担问题")),
    (_("逾期"), _("本月内处于逾期状态的任务数：月末前已标记逾期、且月初前未报送")),
    (_("反弹"), _("本月内该单位负责的问题被重新整改（回头看发现反弹）的次数")),
]
RANKING_RULE = _(
    "销号率（已销号÷承担问题）高者在前；销号率相同的，逾期任务少者在前；"
    "再相同的，反弹次数少者在前；三项均相同的并列，其后名次顺延。"
)


class BadMonth(ValueError):
    pass


def parse_month(text: str) -> datetime.date:
    """The first day of the month written as ``YYYY-MM``."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
    except ValueError:
        raise BadMonth(_("月份格式应为“年-月”，例如 2020-04")) from None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise BadMonth(_("月份超出范围"))
    return datetime.date(year, month, 1)


def next_month(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=31)).replace(day=1)


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclasses.dataclass
class MonthlyRow:
    unit_id: int
    unit: str
    assigned: int = 0
    closed: int = 0
    overdue: int = 0
    reopened: int = 0
    rank: int = 0

    @property
    def share(self) -> Decimal:
        """The closed share as a percentage, to one decimal place."""
        if not self.assigned:
            return Decimal(0)
        return (Decimal(100) * self.closed / self.assigned).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    def standing(self) -> tuple:
        """What the ranking compares, best first when sorted."""
        return (-Fraction(self.closed, max(self.assigned, 1)), self.overdue, self.reopened)


def ranked(rows: list[MonthlyRow]) -> list[MonthlyRow]:
    """``rows`` in ranking order with their ranks, equal standings sharing one."""
    rows = sorted(rows, key=lambda row: (row.standing(), row.unit))
    for place, row in enumerate(rows, start=1):
        before = rows[place - 2] if place > 1 else None
        row.rank = before.rank if before and before.standing() == row.standing() else place
    return rows


def monthly_rows(reading: Reading, first: datetime.date) -> list[MonthlyRow]:
    """The month starting ``first`` for every unit with problems opened by the month's end,
    ranked among all the campaign's units; someone reading as a unit gets their units' rows, with
    the ranks they hold among all. Two queries."""
    start, end = start_of(first), start_of(next_month(first))
    last_day = next_month(first) - datetime.timedelta(days=1)
    found = histories(Problem.objects.filter(campaign=reading.campaign))
    tasks = UnitTask.objects.filter(problem__campaign=reading.campaign).values_list(
        "unit", "unit__name", "problem", "overdue_since", "reported_at"
    )
    rows: dict[int, MonthlyRow] = {}
    problems: dict[int, set[int]] = {}
    for unit, name, problem, overdue_since, reported_at in tasks:
        row = rows.setdefault(unit, MonthlyRow(unit, name))
        problems.setdefault(unit, set()).add(problem)
        if (
            overdue_since is not None
            and overdue_since <= last_day
            and (reported_at is None or reported_at >= start)
        ):
            row.overdue += 1
    for unit, row in rows.items():
        for problem in problems[unit]:
            history = found.get(problem)
            if history is None or not history.opened_before(end):
                continue
            row.assigned += 1
            if not history.open_before(end):
                row.closed += 1
            row.reopened += history.reopenings(start, end)
    standings = ranked([row for row in rows.values() if row.assigned])
    if reading.whole:
        return standings
    theirs = set(reading.units.values_list("pk", flat=True))
    return [row for row in standings if row.unit_id in theirs]
