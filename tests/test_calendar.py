import datetime
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from approvals.calendar import (
    CalendarDataMissing,
    add_working_days,
    is_working_day,
    working_days_between,
)


def test_public_holidays_and_make_up_days():
    assert not is_working_day(datetime.date(2026, 10, 1))  # National Day
    assert not is_working_day(datetime.date(2026, 2, 17))  # Spring Festival
    assert is_working_day(datetime.date(2026, 2, 14))  # a Saturday made a working day
    assert is_working_day(datetime.date(2026, 11, 23))  # an ordinary Monday


def test_adding_working_days_skips_the_golden_week():
    assert add_working_days(datetime.date(2025, 9, 30), 1) == datetime.date(2025, 10, 9)
    assert add_working_days(datetime.date(2026, 11, 20), 0) == datetime.date(2026, 11, 20)


def test_a_year_without_data_falls_back_to_weekdays_with_a_warning():
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
