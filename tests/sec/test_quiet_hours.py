"""Window arithmetic for quiet hours: properties over any instant, window and calendar (DST
changes and bank holidays included), and the reading of what people type."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sec.quiet_hours import (
    DEFAULT_WINDOW,
    QuietHoursError,
    Window,
    held_note,
    in_window,
    next_window_start,
    parse_window,
    wall_clock,
)
from sec.timefmt import LONDON, at_london
from sec.workdays import WorkingCalendar

CALENDAR = WorkingCalendar()

instants = st.datetimes(
    min_value=datetime(2019, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.just(UTC)
)


@st.composite
def windows(draw: st.DrawFn) -> Window:
    start = draw(st.integers(min_value=0, max_value=22 * 60))
    end = draw(st.integers(min_value=start + 60, max_value=23 * 60 + 59))
    return Window(time(start // 60, start % 60), time(end // 60, end % 60))


closures = st.sets(st.dates(min_value=date(2019, 1, 1), max_value=date(2032, 1, 31)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(at=instants, window=windows(), closed=closures)
def test_the_next_start_is_in_a_window_not_before_and_none_is_skipped(
    at: datetime, window: Window, closed: set[date]
) -> None:
    calendar = WorkingCalendar(closed)
    out = next_window_start(at, window, calendar.is_working_day)
    assert out >= at
    assert in_window(out, window, calendar.is_working_day)
    assert next_window_start(out, window, calendar.is_working_day) == out  # stable
    if out > at:  # held: it starts a window, and no window opened between
        local = out.astimezone(LONDON)
        assert local.time() >= window.start
        assert out == wall_clock(local.date(), window.start)
        day = at.astimezone(LONDON).date()
        while day < local.date():
            if calendar.is_working_day(day):
                assert wall_clock(day, window.start) < at
                assert not (wall_clock(day, window.start) <= at < wall_clock(day, window.end))
            day += timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31)), w=windows())
def test_a_window_keeps_its_wall_clock_hours_across_the_dst_changes(day: date, w: Window) -> None:
    start = wall_clock(day, w.start).astimezone(LONDON)
    # The hour the clocks skip (01:00-02:00 on the last Sunday of March) moves forward.
    assert start.time() == w.start or (w.start.hour == 1 and start.time().hour == 2)
    assert start.date() == day


def test_christmas_eve_at_19_waits_for_tuesday_29_december_2026() -> None:
    due = at_london(date(2026, 12, 24), 19, 0)
    out = next_window_start(due, DEFAULT_WINDOW, CALENDAR.is_working_day)
    assert out == at_london(date(2026, 12, 29), 8, 0)
    assert held_note(due, released_at=out) == (
        "Due 19:00 Thursday 24 December 2026; held for quiet hours until 08:00 Tuesday "
        "29 December 2026."
    )


def test_the_clocks_going_forward_and_back() -> None:
    # Friday 27 March 2026 at 18:30 GMT -> Monday 30 March 08:00 BST (07:00 UTC).
    out = next_window_start(
        at_london(date(2026, 3, 27), 18, 30), DEFAULT_WINDOW, CALENDAR.is_working_day
    )
    assert out == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    # Friday 23 October 2026 at 19:00 BST -> Monday 26 October 08:00 GMT (08:00 UTC).
    out = next_window_start(
        at_london(date(2026, 10, 23), 19), DEFAULT_WINDOW, CALENDAR.is_working_day
    )
    assert out == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_inside_the_window_goes_at_once_and_the_edges() -> None:
    is_wd = CALENDAR.is_working_day
    tuesday = date(2026, 12, 1)
    assert next_window_start(at_london(tuesday, 12), DEFAULT_WINDOW, is_wd) == at_london(
        tuesday, 12
    )
    assert in_window(at_london(tuesday, 8), DEFAULT_WINDOW, is_wd)
    assert not in_window(at_london(tuesday, 18), DEFAULT_WINDOW, is_wd)  # the end is exclusive
    early = next_window_start(at_london(tuesday, 6, 15), DEFAULT_WINDOW, is_wd)
    assert early == at_london(tuesday, 8)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("09:00-17:30", "09:00-17:30"),
        ("9-5", "09:00-17:00"),
        ("9-5pm", "09:00-17:00"),
        ("9am to 5.30pm", "09:00-17:30"),
        ("0900–1730", "09:00-17:30"),
        ("08:30 – 18:00", "08:30-18:00"),
        ("7:00-24:00", "07:00-23:59"),
    ],
)
def test_reading_hours(text: str, label: str) -> None:
    assert parse_window(text).label == label


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("22:00-06:00", "start before they end"),
        ("09:00-09:30", "at least an hour"),
        ("25:00-26:00", "isn't on the clock"),
        ("13pm-2pm", "isn't a time of day"),
        ("soon", "couldn't read"),
        ("", "couldn't read"),
        ("9" * 500, "couldn't read"),
    ],
)
def test_hours_that_cannot_be_read_say_why(text: str, says: str) -> None:
    with pytest.raises(QuietHoursError, match=says):
        parse_window(text)


@given(st.text(max_size=60))
def test_reading_never_fails_any_other_way(text: str) -> None:
    try:
        window = parse_window(text)
    except QuietHoursError:
        return
    assert window.start < window.end
    assert parse_window(window.label) == window  # what is shown reads back the same
