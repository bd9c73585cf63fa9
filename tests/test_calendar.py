import datetime
import warnings

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from approvals import calendar
from approvals.calendar import (
    CalendarDataMissing,
    add_working_days,
    is_working_day,
    working_days_between,
)
from tests.helpers import enter_schedule

# The holiday schedules are policy rows the migrations load from the chinesecalendar package.
pytestmark = pytest.mark.django_db


def test_public_holidays_and_make_up_days():
    assert not is_working_day(datetime.date(2026, 10, 1))  # National Day
    assert not is_working_day(datetime.date(2026, 2, 17))  # Spring Festival
    assert is_working_day(datetime.date(2026, 2, 14))  # a Saturday made a working day
    assert is_working_day(datetime.date(2026, 11, 23))  # an ordinary Monday


def test_adding_working_days_skips_the_golden_week():
    assert add_working_days(datetime.date(2025, 9, 30), 1) == datetime.date(2025, 10, 9)
    assert add_working_days(datetime.date(2026, 11, 20), 0) == datetime.date(2026, 11, 20)


def test_a_year_without_data_falls_back_to_weekdays_with_a_warning(monkeypatch):
    monkeypatch.setattr(calendar, "_warned_years", set())  # another test may have warned already
    with pytest.warns(CalendarDataMissing):
        assert add_working_days(datetime.date(2099, 1, 2), 1) == datetime.date(2099, 1, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not is_working_day(datetime.date(2099, 1, 3))  # warned once per year only


@given(
    st.dates(min_value=datetime.date(2010, 1, 1), max_value=datetime.date(2026, 10, 31)),
    st.integers(min_value=0, max_value=40),
)
def test_counting_back_the_days_added_gives_the_count(start, count):
    end = add_working_days(start, count)
    assert working_days_between(start, end) == count
    assert working_days_between(end, start) == -count
    assert count == 0 or is_working_day(end)


def test_a_holiday_entered_for_a_year_not_yet_loaded_makes_that_day_non_working(monkeypatch):
    """A year the package does not know yet (2098, so the test does not age) entered by hand."""
    monkeypatch.setattr(calendar, "_warned_years", set())
    new_year = datetime.date(2098, 1, 1)  # a Wednesday
    with pytest.warns(CalendarDataMissing):
        assert is_working_day(new_year)
    enter_schedule(2098, holidays={"2098-01-01": "元旦"}, workdays={"2098-01-04": "元旦调休"})
    assert not is_working_day(new_year)
    assert is_working_day(datetime.date(2098, 1, 4))  # a Sunday made a working day
    assert add_working_days(datetime.date(2097, 12, 31), 1) == datetime.date(2098, 1, 2)


def test_counting_days_reads_each_years_schedule_once(django_assert_num_queries):
    start, end = datetime.date(2025, 12, 1), datetime.date(2026, 1, 31)
    days = [start + datetime.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    with django_assert_num_queries(2):  # 2025 and 2026
        counted = working_days_between(start, end)
    assert counted == sum(chinese_calendar.is_workday(day) for day in days)  # as loaded


def test_a_schedule_with_a_date_that_is_not_one_is_refused_in_chinese():
    with pytest.raises(ValidationError) as err:
        enter_schedule(2028, holidays={"2028-13-01": "元旦"})
    assert err.value.message_dict["values"] == ["“2028-13-01”不是日期，请按 2027-01-01 的格式填写"]
    assert not calendar.has_schedule(2028)
