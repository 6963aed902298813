"""The SEC change calendar as events, and as the iCalendar feed served at GET /calendar.ics.

Meetings are timed events in Europe/London (see MEETING_HOURS); deadlines, milestones and
release go-lives are all-day events. A milestone known only to part of a month is placed on
its meeting's day when it happens at a meeting, and otherwise left out (with a note) rather
than put on an invented day. UIDs depend only on what an event is, so a subscribed calendar
updates events in place.
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.views import web_url
from sec.ics import CalendarEvent, build_ics
from sec.lifecycle import MilestoneKind
from sec.meetings import DEFAULT_RULES, UID_DOMAIN, Meeting, MeetingKind
from sec.releases import release_title
from sec.timefmt import at_london, today, uk_date
from sec.vague_dates import Precision
from storage import queries
from storage.calendar_store import (
    Schedule,
    get_data_stamp,
    get_schedule,
    list_milestones_between,
    milestone_window,
)
from storage.models import Milestone, Release

if TYPE_CHECKING:
    from bot.services import Services

# When each series meets, London wall-clock time (not in the papers; SECAS's usual slots).
MEETING_HOURS: dict[MeetingKind, tuple[time, time]] = {
    MeetingKind.WORKING_GROUP: (time(10, 0), time(16, 0)),
    MeetingKind.PANEL: (time(10, 0), time(13, 0)),
    MeetingKind.CHANGE_BOARD: (time(10, 0), time(12, 0)),
    MeetingKind.CSC: (time(10, 0), time(12, 0)),
}
MONTHS_BACK, MONTHS_AHEAD = 3, 12  # the feed's default window around today
_DEADLINE_REACH = timedelta(days=35)  # deadlines come at most this long before their meeting
_ALL_KNOWN = date.max  # the feed shows everything recorded, whenever it became known


@dataclass(frozen=True)
class CalendarPlan:
    """The events of a window, and the milestones left out because they have no day."""

    events: list[CalendarEvent]
    skipped: list[str] = field(default_factory=list)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, min(day.day, _calendar.monthrange(year, month0 + 1)[1]))


def default_window(on: date) -> tuple[date, date]:
    """Three months back to twelve months ahead of a day."""
    return add_months(on, -MONTHS_BACK), add_months(on, MONTHS_AHEAD)


def _milestone_label(milestone: Milestone) -> str:
    try:
        return MilestoneKind(milestone.kind).label
    except ValueError:
        return milestone.kind.replace("_", " ").capitalize()


def _meeting_event(meeting: Meeting, expected: list[Milestone]) -> CalendarEvent:
    begins, ends = MEETING_HOURS[meeting.kind]
    lines = []
    if meeting.agenda_deadline:
        lines.append(f"Agenda confirmed by {uk_date(meeting.agenda_deadline)}.")
    if meeting.papers_deadline:
        lines.append(f"Papers published by {uk_date(meeting.papers_deadline)}.")
    if meeting.note:
        lines.append(meeting.note)
    if expected:
        lines.append(
            "Expected: "
            + ", ".join(f"{m.modification.ref} ({_milestone_label(m)})" for m in expected)
        )
    summary = meeting.kind.label + (" (ad hoc)" if meeting.occurrence is None else "")
    return CalendarEvent(
        uid=meeting.uid,
        summary=summary,
        day=meeting.day,
        start=at_london(meeting.day, begins.hour, begins.minute),
        end=at_london(meeting.day, ends.hour, ends.minute),
        description="\n".join(lines),
        categories=("Meeting", meeting.kind.label),
    )


def _deadline_events(meeting: Meeting, start: date, end: date) -> list[CalendarEvent]:
    """The meeting's agenda and papers deadlines that fall in the window, as all-day events."""
    rule = DEFAULT_RULES.get(meeting.kind)
    events = []
    for what, day, wd in (
        ("agenda", meeting.agenda_deadline, rule.agenda_wd if rule else None),
        ("papers", meeting.papers_deadline, rule.papers_wd if rule else None),
    ):
        if day is None or not start <= day <= end:
            continue
        verb = "confirmed" if what == "agenda" else "published"
        before = f" ({wd} Working Days before)" if wd else ""
        events.append(
            CalendarEvent(
                uid=meeting.uid.replace("@", f"-{what}@"),
                summary=f"{meeting.kind.label} {what} deadline",
                day=day,
                description=f"{what.capitalize()} {verb} for the {meeting.kind.label} on "
                f"{uk_date(meeting.day)}{before}.",
                categories=("Deadline", meeting.kind.label),
            )
        )
    return events


def _milestone_event(milestone: Milestone, day: date, at: Meeting | None) -> CalendarEvent:
    mod = milestone.modification
    window = milestone_window(milestone)
    lines = [f"{mod.ref} ‘{mod.title}’."]
    if milestone.text:
        lines.append(milestone.text)
    if at is not None and window.precision is not Precision.DAY:
        lines.append(
            f"Papers give {window.describe()}; placed on the {at.kind.label} of {uk_date(day)}."
        )
    elif at is not None:
        lines.append(f"At the {at.kind.label}.")
    if milestone.document is not None:
        lines.append(f"Source: {milestone.document.name}.")
    return CalendarEvent(
        uid=f"ms-{milestone.id}@{UID_DOMAIN}",
        summary=f"{mod.ref}: {_milestone_label(milestone)}",
        day=day,
        description="\n".join(lines),
        url=web_url(mod.slug),
        categories=("Milestone", _milestone_label(milestone)),
    )


def release_uid(release: Release) -> str:
    """release-november-2021@secbot."""
    slug = re.sub(r"[^a-z0-9]+", "-", release.name.lower()).strip("-")
    return f"release-{slug}@{UID_DOMAIN}"


def _release_events(session: Session, start: date, end: date) -> list[CalendarEvent]:
    return [
        CalendarEvent(
            uid=release_uid(release),
            summary=f"{release_title(release.name)} goes live",
            day=release.go_live,
            categories=("SEC Release",),
        )
        for release in queries.list_releases(session)
        if release.go_live is not None and start <= release.go_live <= end
    ]


def _place_milestones(
    milestones: list[Milestone], schedule: Schedule, start: date, end: date
) -> tuple[list[CalendarEvent], dict[str, list[Milestone]], list[str]]:
    """Milestone events, the milestones expected at each meeting (by uid), and the unplaced."""
    events, skipped = [], []
    at_meeting: dict[str, list[Milestone]] = defaultdict(list)
    for milestone in milestones:
        window = milestone_window(milestone)
        meeting = schedule.meeting_for(milestone)
        if meeting is not None:
            at_meeting[meeting.uid].append(milestone)
        day = window.start if window.precision is Precision.DAY else None
        day = day or (meeting.day if meeting is not None else None)
        if day is None:
            mod = milestone.modification
            skipped.append(f"{mod.ref}: {_milestone_label(milestone)}, {window.describe()}")
        elif start <= day <= end:
            events.append(_milestone_event(milestone, day, meeting))
    return events, at_meeting, skipped


def calendar_plan(session: Session, *, start: date, end: date) -> CalendarPlan:
    """Every event from start to end inclusive, and the milestones that could not be placed."""
    schedule = get_schedule(session)
    milestones = list_milestones_between(session, start=start, end=end, as_of=_ALL_KNOWN)
    events, at_meeting, skipped = _place_milestones(milestones, schedule, start, end)
    for meeting in schedule.between(start, end + _DEADLINE_REACH):
        if meeting.day <= end:
            expected = sorted(
                at_meeting.get(meeting.uid, []),
                key=lambda m: (m.modification.number, m.modification.letter, m.id),
            )
            events.append(_meeting_event(meeting, expected))
        events.extend(_deadline_events(meeting, start, end))
    events.extend(_release_events(session, start, end))
    return CalendarPlan(sorted(events, key=lambda e: e.sort_key), skipped)


def calendar_events(session: Session, *, start: date, end: date) -> list[CalendarEvent]:
    """Meetings, deadlines, milestones and release go-lives from start to end inclusive."""
    return calendar_plan(session, start=start, end=end).events


def calendar_ics(
    services: Services, *, start: date | None = None, end: date | None = None
) -> bytes:
    """The feed as iCalendar bytes; by default three months back to twelve ahead of today.

    DTSTAMP is when the store's calendar data last changed, so the same data gives the same bytes.
    """
    first, last = default_window(today())
    with services.sessions() as session:
        events = calendar_events(session, start=start or first, end=end or last)
        stamp = get_data_stamp(session)
    return build_ics(events, stamp=stamp)
