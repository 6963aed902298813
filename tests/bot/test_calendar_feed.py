"""The calendar feed: events from the sample store, their UIDs and times, and the .ics bytes."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
from freezegun import freeze_time
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar_feed import (
    MEETING_HOURS,
    add_months,
    calendar_events,
    calendar_ics,
    calendar_plan,
    default_window,
)
from bot.router import build_router
from bot.services import Services
from bot.settings import Settings
from sec.ics import CalendarEvent
from sec.meetings import MeetingKind


def by_uid(events: list[CalendarEvent]) -> dict[str, CalendarEvent]:
    return {e.uid: e for e in events}


@pytest.fixture(scope="module")
def spring_2019(sample_store: sessionmaker[Session]) -> list[CalendarEvent]:
    with sample_store() as session:
        return calendar_events(session, start=date(2019, 3, 1), end=date(2019, 6, 30))


def test_meetings_are_timed_in_london(spring_2019: list[CalendarEvent]) -> None:
    events = by_uid(spring_2019)
    for uid, kind in [
        ("wg-2019-04@secbot", MeetingKind.WORKING_GROUP),
        ("panel-2019-03@secbot", MeetingKind.PANEL),
        ("cb-2019-05@secbot", MeetingKind.CHANGE_BOARD),
        ("csc-2019-05@secbot", MeetingKind.CSC),
    ]:
        event = events[uid]
        assert event.start is not None and event.end is not None
        begins, ends = MEETING_HOURS[kind]
        assert (event.start.time(), event.end.time()) == (begins, ends)
        assert str(event.start.tzinfo) == "Europe/London"
    # Same wall-clock time either side of the March change: GMT, then BST.
    assert events["panel-2019-03@secbot"].start.utcoffset() == timedelta(0)  # type: ignore[union-attr]
    assert events["wg-2019-04@secbot"].start.utcoffset() == timedelta(hours=1)  # type: ignore[union-attr]
    assert "SECMP0007 (Working Group)" in events["wg-2019-04@secbot"].description


def test_deadlines_are_all_day(spring_2019: list[CalendarEvent]) -> None:
    events = by_uid(spring_2019)
    agenda = events["wg-2019-05-agenda@secbot"]
    assert (agenda.day, agenda.start) == (date(2019, 4, 15), None)
    assert "10 Working Days before" in agenda.description
    assert events["panel-2019-05-papers@secbot"].day == date(2019, 5, 10)


def test_month_milestones_sit_on_their_meetings_day(
    sample_store: sessionmaker[Session], spring_2019: list[CalendarEvent]
) -> None:
    returns = [e for e in spring_2019 if e.summary == "SECMP0010: Return to the Panel"]
    assert [(e.day, e.start) for e in returns] == [(date(2019, 5, 17), None)]
    assert returns[0].uid.startswith("ms-") and returns[0].uid.endswith("@secbot")
    assert "May 2019" in returns[0].description
    assert returns[0].url and "modifications/" in returns[0].url
    # "Early April" with no meeting is left out, with a note, never put on an invented day.
    assert not [e for e in spring_2019 if e.summary == "SECMP0010: DCC Preliminary Assessment due"]
    with sample_store() as session:
        plan = calendar_plan(session, start=date(2019, 3, 1), end=date(2019, 6, 30))
    assert "SECMP0010: DCC Preliminary Assessment due, early April 2019" in plan.skipped


def test_votes_and_go_lives(sample_store: sessionmaker[Session]) -> None:
    with sample_store() as session:
        autumn = calendar_events(session, start=date(2021, 9, 1), end=date(2021, 11, 30))
    votes = sorted(e.summary for e in autumn if e.day == date(2021, 9, 29) and e.start is None)
    assert "MP164: Change Board vote" in votes
    release = by_uid(autumn)["release-november-2021@secbot"]
    assert (release.day, release.summary) == (
        date(2021, 11, 4),
        "November 2021 SEC Release goes live",
    )
    assert by_uid(autumn)["cb-2021-10@secbot"].day == date(2021, 10, 27)


def test_uids_are_unique_and_stable(sample_store: sessionmaker[Session]) -> None:
    with sample_store() as session:
        first = calendar_events(session, start=date(2019, 1, 1), end=date(2021, 12, 31))
        again = calendar_events(session, start=date(2019, 1, 1), end=date(2021, 12, 31))
    assert len({e.uid for e in first}) == len(first)
    assert first == again


def test_default_window_and_identical_bytes(sample_store: sessionmaker[Session]) -> None:
    services = Services(
        Settings(), sample_store.kw["bind"], sample_store, build_router(sample_store)
    )
    with freeze_time("2019-12-24 12:00:00"):
        data = calendar_ics(services)
        assert data == calendar_ics(services)
    calendar = icalendar.Calendar.from_ical(data)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    starts = [e.decoded("dtstart") for e in events.values()]
    days = [s if isinstance(s, date) and not hasattr(s, "hour") else s.date() for s in starts]
    assert min(days) >= date(2019, 9, 24) and max(days) <= date(2020, 12, 24)
    assert events["cb-2019-12@secbot"].decoded("dtstart").date() == date(2019, 12, 18)
    assert events["release-november-2019@secbot"].decoded("dtstart") == date(2019, 11, 29)


def test_window_arithmetic() -> None:
    assert default_window(date(2019, 12, 24)) == (date(2019, 9, 24), date(2020, 12, 24))
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert add_months(date(2020, 3, 31), -13) == date(2019, 2, 28)
