"""Quiet hours: when a direct message may go out, as pure window arithmetic.

A person's window is a span of London wall-clock time on Working Days (default 08:00-18:00).
A direct message due outside it waits for the next window's start. Times are built on the
wall clock and normalised through UTC, so a window keeps its hours across the DST changes
(08:00 is 08:00 in March and in October) and a time the clocks skip is moved forward.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sec.timefmt import LONDON, uk_date

IsWorkingDay = Callable[[date], bool]

MAX_TEXT = 40  # a window is a few characters; anything longer is not one
MIN_LENGTH = timedelta(hours=1)  # a shorter window would hold messages for days
SEARCH_DAYS = 400  # more than a year without a Working Day is a calendar error, not a wait


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


class QuietHoursError(ValueError):
    """A window that cannot be read; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Window:
    """Working hours on Working Days, London time: start inclusive, end exclusive."""

    start: time
    end: time

    def __post_init__(self) -> None:
        length = _minutes(self.end) - _minutes(self.start)
        if length < MIN_LENGTH.total_seconds() // 60:
            raise QuietHoursError(
                "Working hours must start before they end and last at least an hour "
                f"(you gave {self.label})."
            )

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


DEFAULT_WINDOW = Window(time(8, 0), time(18, 0))

_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?"
_RANGE = re.compile(rf"^\s*{_CLOCK}\s*(?:-|–|—|to|until)\s*{_CLOCK}\s*$", re.IGNORECASE)


def parse_window(text: str) -> Window:
    """ "09:00-17:30", "9-5.30pm", "9am to 5pm", "0900–1730" are all 09:00-17:30 or so."""
    cleaned = text.strip()[: MAX_TEXT + 1]
    compact = re.fullmatch(r"\s*(\d{2})(\d{2})\s*[-–—]\s*(\d{2})(\d{2})\s*", cleaned)
    if compact:
        a, b, c, d = (int(g) for g in compact.groups())
        return Window(_clock(a, b, None, text), _clock(c, d, None, text))
    match = _RANGE.match(cleaned) if len(cleaned) <= MAX_TEXT else None
    if match is None:
        raise QuietHoursError(
            "I couldn't read those hours. Give a start and an end, like `09:00-17:30`."
        )
    h1, m1, ap1, h2, m2, ap2 = match.groups()
    if ap2 and not ap1 and int(h1) < 12 and ap2.lower() == "pm" and int(h1) > int(h2):
        ap1 = "am"  # "9-5pm": the morning to the afternoon
    start = _clock(int(h1), int(m1 or 0), ap1, text)
    end = _clock(int(h2), int(m2 or 0), ap2, text)
    if not ap1 and not ap2 and end <= start and len(h2) == 1:
        end = time(end.hour + 12, end.minute)  # "9-5": nobody means five in the morning
    return Window(start, end)


def _clock(hour: int, minute: int, meridiem: str | None, text: str) -> time:
    if meridiem:
        if not 1 <= hour <= 12:
            raise QuietHoursError(f"{hour}{meridiem} isn't a time of day.")
        hour = hour % 12 + (12 if meridiem.lower() == "pm" else 0)
    if hour == 24 and minute == 0:
        return time(23, 59)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise QuietHoursError(f"“{text.strip()[:MAX_TEXT]}” has a time that isn't on the clock.")
    return time(hour, minute)


def wall_clock(day: date, at: time) -> datetime:
    """The London instant of a wall-clock time; a time the clocks skip moves forward."""
    naive = datetime.combine(day, at)
    moment = naive.replace(tzinfo=LONDON).astimezone(UTC).astimezone(LONDON)
    if moment.replace(tzinfo=None) < naive:  # in the spring gap: the hour after it
        moment = (naive + timedelta(hours=1)).replace(tzinfo=LONDON)
    return moment


def in_window(at: datetime, window: Window, is_working_day: IsWorkingDay) -> bool:
    """Whether a direct message may go out at this instant."""
    local = at.astimezone(LONDON)
    if not is_working_day(local.date()):
        return False
    return wall_clock(local.date(), window.start) <= at < wall_clock(local.date(), window.end)


def next_window_start(at: datetime, window: Window, is_working_day: IsWorkingDay) -> datetime:
    """``at`` itself when inside the window, else the start of the next window (London)."""
    if in_window(at, window, is_working_day):
        return at.astimezone(LONDON)
    day = at.astimezone(LONDON).date()
    for _ in range(SEARCH_DAYS):
        if is_working_day(day):
            start = wall_clock(day, window.start)
            if start >= at:
                return start
        day += timedelta(days=1)
    raise QuietHoursError(f"No Working Day within {SEARCH_DAYS} days of {uk_date(day)}.")


def held_note(due_at: datetime, *, released_at: datetime) -> str:
    """What a held message says about itself: when it was due, and why it comes now."""
    due, out = due_at.astimezone(LONDON), released_at.astimezone(LONDON)
    return (
        f"Due {due:%H:%M} {uk_date(due.date())}; held for quiet hours until "
        f"{out:%H:%M} {uk_date(out.date())}."
    )
