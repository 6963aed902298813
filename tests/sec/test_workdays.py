from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sec.workdays import WorkingCalendar

CAL = WorkingCalendar()
ONE = timedelta(days=1)

dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
closures = st.frozensets(dates, max_size=6)


def naive_add(cal: WorkingCalendar, d: date, n: int) -> date:
    """Day-by-day reference implementation."""
    step = ONE if n > 0 else -ONE
    current, remaining = d, abs(n)
    while remaining:
        current += step
        remaining -= cal.is_working_day(current)
    return current


@pytest.mark.parametrize(
    ("meeting", "n", "expected"),
    [
        (date(2019, 4, 3), 10, date(2019, 3, 20)),
        (date(2019, 4, 3), 5, date(2019, 3, 27)),
        # Good Friday 19 April and Easter Monday 22 April 2019 do not count.
        (date(2019, 5, 1), 10, date(2019, 4, 15)),
        (date(2019, 4, 23), 1, date(2019, 4, 18)),
        # Christmas Day, Boxing Day, weekend and New Year's Day 2020.
        (date(2020, 1, 3), 4, date(2019, 12, 27)),
        (date(2020, 1, 3), 5, date(2019, 12, 24)),
        # 19 September 2022: the one-off bank holiday for the state funeral.
        (date(2022, 9, 21), 2, date(2022, 9, 16)),
    ],
)
def test_working_days_before(meeting, n, expected):
    assert CAL.subtract_working_days(meeting, n) == expected
    assert CAL.add_working_days(meeting, -n) == expected


def test_easter_2019_is_not_working():
    assert not CAL.is_working_day(date(2019, 4, 19))
    assert not CAL.is_working_day(date(2019, 4, 22))
    assert CAL.holiday_name(date(2019, 4, 19)) == "Good Friday"
    assert CAL.holiday_name(date(2019, 4, 22)) == "Easter Monday"
    assert CAL.add_working_days(date(2019, 4, 18), 1) == date(2019, 4, 23)


def test_christmas_and_new_year():
    assert CAL.add_working_days(date(2019, 12, 24), 1) == date(2019, 12, 27)
    assert CAL.add_working_days(date(2019, 12, 31), 1) == date(2020, 1, 2)
    # Christmas 2022 fell on a Sunday: the substitute day is Tuesday 27 December.
    assert not CAL.is_working_day(date(2022, 12, 27))
    assert CAL.next_working_day(date(2022, 12, 23)) == date(2022, 12, 28)
    assert CAL.working_days_between(date(2022, 12, 23), date(2023, 1, 3)) == 4


def test_one_off_holiday_19_september_2022():
    day = date(2022, 9, 19)
    assert day.weekday() == 0
    assert not CAL.is_working_day(day)
    assert "Funeral" in (CAL.holiday_name(day) or "")
    assert CAL.add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)


def test_ordinary_days():
    assert CAL.is_working_day(date(2019, 4, 3))
    assert CAL.holiday_name(date(2019, 4, 3)) is None
    assert not CAL.is_working_day(date(2019, 4, 6))  # Saturday
    assert CAL.holiday_name(date(2019, 4, 6)) is None


def test_closures_are_not_working_days():
    cal = WorkingCalendar([date(2019, 12, 27), date(2019, 12, 25)])
    assert cal.holiday_name(date(2019, 12, 27)) == "SECAS closure"
    assert cal.holiday_name(date(2019, 12, 25)) == "Christmas Day"  # bank holiday name first
    assert cal.add_working_days(date(2019, 12, 24), 1) == date(2019, 12, 30)
    # A closure on a bank holiday is not counted twice.
    assert cal.working_days_between(date(2019, 12, 20), date(2019, 12, 31)) == 4
    assert CAL.add_working_days(date(2019, 12, 24), 1) == date(2019, 12, 27)


def test_zero_days_is_the_day_itself():
    saturday = date(2019, 4, 6)
    assert CAL.add_working_days(saturday, 0) == saturday
    assert CAL.subtract_working_days(saturday, 0) == saturday


def test_next_and_previous():
    wednesday, saturday = date(2019, 4, 3), date(2019, 4, 6)
    assert CAL.next_working_day(wednesday) == date(2019, 4, 4)
    assert CAL.next_working_day(wednesday, include_today=True) == wednesday
    assert CAL.next_working_day(saturday, include_today=True) == date(2019, 4, 8)
    assert CAL.previous_working_day(wednesday) == date(2019, 4, 2)
    assert CAL.previous_working_day(wednesday, include_today=True) == wednesday
    assert CAL.previous_working_day(saturday, include_today=True) == date(2019, 4, 5)


def test_between_counts_end_not_start():
    assert CAL.working_days_between(date(2019, 4, 1), date(2019, 4, 1)) == 0
    assert CAL.working_days_between(date(2019, 4, 1), date(2019, 4, 2)) == 1
    assert CAL.working_days_between(date(2019, 4, 5), date(2019, 4, 7)) == 0
    assert CAL.working_days_between(date(2019, 3, 20), date(2019, 4, 3)) == 10
    assert CAL.working_days_between(date(2019, 4, 3), date(2019, 3, 20)) == -10


@given(d=dates, n=st.integers(min_value=1, max_value=300), closed=closures)
def test_subtract_then_add_lands_on_next_working_day(d, n, closed):
    cal = WorkingCalendar(closed)
    back_again = cal.add_working_days(cal.subtract_working_days(d, n), n)
    assert cal.is_working_day(back_again)
    assert back_again >= d
    assert back_again == cal.next_working_day(d, include_today=True)


@given(d=dates, n=st.integers(min_value=-300, max_value=300), closed=closures)
def test_add_matches_day_by_day_and_is_a_working_day(d, n, closed):
    cal = WorkingCalendar(closed)
    result = cal.add_working_days(d, n)
    assert result == naive_add(cal, d, n)
    assert result == cal.subtract_working_days(d, -n)
    if n != 0:
        assert cal.is_working_day(result)
    if n >= 0:
        assert cal.working_days_between(d, result) == n


@given(start=dates, span=st.integers(min_value=-400, max_value=400), closed=closures)
def test_count_agrees_with_iteration(start, span, closed):
    cal = WorkingCalendar(closed)
    end = start + timedelta(days=span)
    low, high = min(start, end), max(start, end)
    by_iteration = sum(cal.is_working_day(low + timedelta(days=i)) for i in range(1, abs(span) + 1))
    expected = by_iteration if end >= start else -by_iteration
    assert cal.working_days_between(start, end) == expected
    assert cal.working_days_between(low, high) == by_iteration
