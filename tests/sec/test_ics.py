from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from sec.ics import CalendarEvent, build_ics
from sec.timefmt import LONDON, at_london

STAMP = datetime(2019, 3, 1, 9, 30, tzinfo=UTC)
JULY_WG = CalendarEvent(
    uid="wg-2019-07@secbot",
    summary="Working Group",
    day=date(2019, 7, 3),
    start=at_london(date(2019, 7, 3), 10),
    end=at_london(date(2019, 7, 3), 13),
    description="Monthly Working Group; agenda confirmed ten Working Days before.",
    url="https://smartenergycodecompany.co.uk/",
    categories=("meeting", "working_group"),
)
JANUARY_WG = CalendarEvent(
    uid="wg-2020-01@secbot",
    summary="Working Group",
    day=date(2020, 1, 8),
    start=at_london(date(2020, 1, 8), 10),
)
AGENDA_DEADLINE = CalendarEvent(
    uid="wg-2019-04-agenda@secbot",
    summary="Agenda deadline: Working Group, Wednesday 3 April 2019",
    day=date(2019, 3, 20),
    categories=("deadline",),
)
EVENTS = [JULY_WG, JANUARY_WG, AGENDA_DEADLINE]


def read_back(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_events_read_back():
    data = build_ics(EVENTS, stamp=STAMP)
    calendar = Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "SEC change calendar"
    assert str(calendar["VERSION"]) == "2.0"
    events = read_back(data)
    assert set(events) == {e.uid for e in EVENTS}
    july = events["wg-2019-07@secbot"]
    assert str(july["SUMMARY"]) == "Working Group"
    assert str(july["URL"]) == "https://smartenergycodecompany.co.uk/"
    assert "ten Working Days" in str(july["DESCRIPTION"])
    assert july["DTSTAMP"].dt == STAMP
    assert [str(c) for c in july["CATEGORIES"].cats] == ["meeting", "working_group"]


def test_all_day_deadline():
    event = read_back(build_ics(EVENTS, stamp=STAMP))["wg-2019-04-agenda@secbot"]
    assert event["DTSTART"].dt == date(2019, 3, 20)
    assert not isinstance(event["DTSTART"].dt, datetime)
    assert event["DTEND"].dt == date(2019, 3, 21)
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert b"DTSTART;VALUE=DATE:20190320" in build_ics(EVENTS, stamp=STAMP)


def test_timed_events_keep_wall_clock_in_bst_and_gmt():
    data = build_ics(EVENTS, stamp=STAMP)
    assert b"BEGIN:VTIMEZONE" in data
    assert b"DTSTART;TZID=Europe/London:20190703T100000" in data
    assert b"DTSTART;TZID=Europe/London:20200108T100000" in data
    events = read_back(data)
    july, january = events["wg-2019-07@secbot"], events["wg-2020-01@secbot"]
    assert (july["DTSTART"].dt.hour, july["DTEND"].dt.hour) == (10, 13)
    assert july["DTSTART"].dt.utcoffset() == timedelta(hours=1)
    assert january["DTSTART"].dt.hour == 10
    assert january["DTSTART"].dt.utcoffset() == timedelta(0)
    assert january["DTEND"].dt - january["DTSTART"].dt == timedelta(hours=1)  # default length


def test_same_input_same_bytes_whatever_the_order():
    first = build_ics(EVENTS, stamp=STAMP)
    assert build_ics(list(reversed(EVENTS)), stamp=STAMP) == first
    assert build_ics(EVENTS, stamp=STAMP.astimezone(LONDON)) == first
    uids = [str(e["UID"]) for e in Calendar.from_ical(first).walk("VEVENT")]
    assert uids == ["wg-2019-04-agenda@secbot", "wg-2019-07@secbot", "wg-2020-01@secbot"]


def test_a_changed_event_keeps_its_uid():
    moved = CalendarEvent(JULY_WG.uid, JULY_WG.summary, date(2019, 7, 10))
    events = read_back(build_ics([moved, JANUARY_WG], stamp=STAMP))
    assert events[JULY_WG.uid]["DTSTART"].dt == date(2019, 7, 10)


def test_repeated_uid_keeps_the_earliest():
    later = CalendarEvent(AGENDA_DEADLINE.uid, "duplicate", date(2019, 3, 25))
    events = Calendar.from_ical(build_ics([later, AGENDA_DEADLINE], stamp=STAMP)).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [AGENDA_DEADLINE.summary]


def test_empty_calendar_is_valid():
    calendar = Calendar.from_ical(build_ics([], name="Nothing yet", stamp=STAMP))
    assert str(calendar["X-WR-CALNAME"]) == "Nothing yet"
    assert calendar.walk("VEVENT") == []


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        CalendarEvent("x", "x", date(2019, 7, 3), start=datetime(2019, 7, 3, 10))
    with pytest.raises(ValueError):
        build_ics([], stamp=datetime(2019, 3, 1))
    with pytest.raises(ValueError):
        CalendarEvent("x", "x", date(2019, 7, 3), end=at_london(date(2019, 7, 3), 10))
