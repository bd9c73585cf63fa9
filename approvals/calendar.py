"""Working days in mainland China: weekends, public holidays and make-up working days (调休).

The holiday data comes from the ``chinesecalendar`` package, which is updated each year when the
State Council publishes the next year's arrangement. For a year it has no data for, the calendar
falls back to Monday–Friday and warns once, so a deadline is never refused for lack of data.
"""

import datetime
import logging
import warnings

import chinese_calendar

logger = logging.getLogger(__name__)
_warned_years: set[int] = set()


class CalendarDataMissing(UserWarning):
    """The holiday data does not cover a year; Monday–Friday is used instead."""


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            message = (
                f"No Chinese holiday data for {day.year}: counting Monday–Friday as working days"
            )
            logger.warning(message)
            warnings.warn(message, CalendarDataMissing, stacklevel=2)
        return day.weekday() < 5


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The date ``count`` working days after ``start`` (``start`` itself is not counted)."""
    day = start
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    days = (end - start).days
    return sum(is_working_day(start + datetime.timedelta(days=i)) for i in range(1, days + 1))
