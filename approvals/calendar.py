"""Working days in mainland China: weekends, public holidays and make-up working days (调休).

The State Council's schedule is policy data: a ``Policy`` row of the ``holiday_calendar``
procedure per year (national, effective 1 January), its values the year's holidays and make-up
working days, each a date with the holiday's name. The migrations load every year the
``chinesecalendar`` package knows (approvals/0011); a year published later is entered on the
policy page as a new version, audited like any policy version. A ``Calendar`` reads each year
once, so counting days is one query per year, not per day; inside ``reading()`` (the site wraps
every request in it) every count shares one, so a page of due dates reads each year once. For a
year with no schedule it falls back to Monday–Friday and warns once, so a deadline is never
refused for lack of data.
"""

import contextlib
import contextvars
import datetime
import logging
import warnings

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .exceptions import Reason

logger = logging.getLogger(__name__)
_warned_years: set[int] = set()

# The procedure name of the schedule's policy rows, and the two lists its values hold.
WORKFLOW = "holiday_calendar"
HOLIDAYS, WORKDAYS = "holidays", "workdays"


class CalendarDataMissing(UserWarning):
    """The holiday data does not cover a year; Monday–Friday is used instead."""


def _schedule_row(year: int):
    Policy = apps.get_model("approvals", "Policy")
    return (
        Policy.objects.filter(workflow=WORKFLOW, region_prefix="", effective_from__year=year)
        .order_by("-effective_from", "-pk")
        .first()
    )


def has_schedule(year: int) -> bool:
    """Whether the State Council's schedule for ``year`` has been entered."""
    return _schedule_row(year) is not None


def schedule_errors(values) -> list[Reason]:
    """What is wrong with a schedule's values as a person reads it (none: it can be used)."""
    if not isinstance(values, dict):
        return [Reason("calendar_not_a_dict", _('节假日安排须为 {"holidays": …, "workdays": …}'))]
    errors = []
    for key in (HOLIDAYS, WORKDAYS):
        days = values.get(key, {})
        if not isinstance(days, dict):
            errors.append(Reason("calendar_days", _("“%(key)s”须为“日期: 名称”的对照"), key=key))
            continue
        for day in days:
            try:
                datetime.date.fromisoformat(day)
            except ValueError:
                errors.append(
                    Reason(
                        "calendar_date",
                        _("“%(day)s”不是日期，请按 2027-01-01 的格式填写"),
                        day=day,
                    )
                )
    return errors


class Calendar:
    """The schedules read so far, a year at a time."""

    def __init__(self):
        self._years: dict[int, tuple[set, set] | None] = {}

    def _year(self, year: int) -> tuple[set, set] | None:
        if year not in self._years:
            row = _schedule_row(year)
            self._years[year] = (
                None
                if row is None or schedule_errors(row.values)
                else tuple(
                    {datetime.date.fromisoformat(d) for d in row.values.get(key, {})}
                    for key in (HOLIDAYS, WORKDAYS)
                )
            )
        return self._years[year]

    def is_working_day(self, day: datetime.date) -> bool:
        schedule = self._year(day.year)
        if schedule is None:
            _warn_missing(day.year)
            return day.weekday() < 5
        holidays, workdays = schedule
        return day in workdays or (day.weekday() < 5 and day not in holidays)


def _warn_missing(year: int) -> None:
    if year not in _warned_years:
        _warned_years.add(year)
        message = f"No Chinese holiday data for {year}: counting Monday–Friday as working days"
        logger.warning(message)
        warnings.warn(message, CalendarDataMissing, stacklevel=3)


_shared: contextvars.ContextVar[Calendar | None] = contextvars.ContextVar(
    "working_day_calendar", default=None
)


@contextlib.contextmanager
def reading():
    """Share one ``Calendar`` among every count made inside: for one request or one command."""
    token = _shared.set(_shared.get() or Calendar())
    try:
        yield
    finally:
        _shared.reset(token)


def current() -> Calendar:
    """The calendar shared by ``reading()``, or a new one outside it."""
    return _shared.get() or Calendar()


class ReadingPerRequest:
    """Middleware: the due dates of one page read each year's schedule once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with reading():
            return self.get_response(request)


def is_working_day(day: datetime.date) -> bool:
    return current().is_working_day(day)


def add_working_days(
    start: datetime.date, count: int, calendar: Calendar | None = None
) -> datetime.date:
    """The date ``count`` working days after ``start`` (``start`` itself is not counted); many
    counts can share one ``calendar``, which reads each year once."""
    calendar = calendar or current()
    day = start
    while count > 0:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    calendar = current()
    days = (end - start).days
    return sum(
        calendar.is_working_day(start + datetime.timedelta(days=i)) for i in range(1, days + 1)
    )
