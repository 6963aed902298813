"""The SEC change calendar as iCalendar (RFC 5545) bytes, for subscribed calendars.

Deadlines are all-day events (DTSTART;VALUE=DATE, DTEND the next day, shown as free time);
meetings with a time are timed events in Europe/London with a TZID and a VTIMEZONE, so 10:00 stays
10:00 in January and in July. The output depends only on the input: DTSTAMP comes from ``stamp``
and events are sorted, so the same calendar gives the same bytes and a subscribed calendar
updates each event in place by its UID. Building the bytes is pure; serving them is not our job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sec.timefmt import LONDON

if TYPE_CHECKING:  # icalendar loads when a calendar is built, not with every answer
    from icalendar import Event

PRODID = "-//secbot//SEC change calendar//EN"
DEFAULT_DURATION = timedelta(hours=1)  # a timed event given without an end


@dataclass(frozen=True)
class CalendarEvent:
    """One calendar entry: all-day on ``day``, or timed when ``start`` (aware) is given."""

    uid: str
    summary: str
    day: date
    start: datetime | None = None
    end: datetime | None = None
    description: str = ""
    url: str | None = None
    categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for moment in (self.start, self.end):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"{self.uid}: event times must be timezone-aware")
        if self.end is not None and self.start is None:
            raise ValueError(f"{self.uid}: an end needs a start")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"{self.uid}: the event ends before it starts")

    @property
    def sort_key(self) -> tuple[date, datetime, str]:
        """All-day events first on their day, then by start time, then by uid."""
        start = self.start or datetime.combine(self.day, datetime.min.time(), tzinfo=UTC)
        return self.day, start.astimezone(UTC), self.uid


def _vevent(event: CalendarEvent, stamp: datetime) -> Event:
    from icalendar import Event

    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("summary", event.summary)
    if event.start is None:
        vevent.add("dtstart", event.day)
        vevent.add("dtend", event.day + timedelta(days=1))
        vevent.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    else:
        start = event.start.astimezone(LONDON)
        end = (event.end or event.start + DEFAULT_DURATION).astimezone(LONDON)
        vevent.add("dtstart", start)
        vevent.add("dtend", end)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    if event.categories:
        vevent.add("categories", list(event.categories))
    return vevent


def build_ics(
    events: Iterable[CalendarEvent], *, name: str = "SEC change calendar", stamp: datetime
) -> bytes:
    """A VCALENDAR holding the events, sorted; a repeated uid keeps only its earliest event.

    ``stamp`` (aware) becomes every DTSTAMP, so pass the time the data last changed rather than
    the time of the request if the bytes should stay identical between requests.
    """
    if stamp.utcoffset() is None:
        raise ValueError("stamp must be timezone-aware")
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(LONDON))
    utc_stamp = stamp.astimezone(UTC)
    seen: set[str] = set()
    for event in sorted(events, key=lambda e: e.sort_key):
        if event.uid not in seen:
            seen.add(event.uid)
            calendar.add_component(_vevent(event, utc_stamp))
    # icalendar 6.1+ writes the VTIMEZONE for every TZID used; older versions rely on the TZID.
    if hasattr(calendar, "add_missing_timezones"):
        calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
