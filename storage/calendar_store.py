"""The SEC calendar from the store: closures, meeting exceptions, meetings and their milestones.

The rules live in ``sec.meetings``; the store adds what people and papers said: closures make
days non-Working Days, and ``MeetingChange`` rows move, cancel or add single meetings. Rows
written by the sample loader or by ingestion carry dates stated in papers; they are applied
first, so an administrator's later change to the same meeting wins over the paper.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from sec.lifecycle import MilestoneKind
from sec.meetings import (
    Meeting,
    MeetingKind,
    MeetingOverride,
    meeting_in_month,
    meetings_between,
    next_meeting,
)
from sec.timefmt import now
from sec.vague_dates import Precision, VagueDate
from sec.workdays import WorkingCalendar
from storage.models import AuditEntry, Closure, Document, MeetingChange, Milestone

log = logging.getLogger(__name__)

SAMPLE_MEETINGS_FILE = Path(__file__).parent / "sample_data" / "meetings.yaml"
SAMPLE_AUTHOR = "sample data"
# added_by values (or prefixes) of rows whose date comes from a paper rather than an admin.
_PAPER_AUTHORS = (SAMPLE_AUTHOR, "paper", "ingest")
_EPOCH = datetime(2017, 1, 1, tzinfo=UTC)  # DTSTAMP of a store that records no change at all
_CSC_WORDS = re.compile(r"\bCSC\b|change sub-?committee", re.IGNORECASE)


def meeting_kind_for(milestone: Milestone) -> MeetingKind | None:
    """The meeting series a milestone happens at, or None for one that is not a meeting.

    A Modification Report goes to the Panel unless its text names the CSC (from 2020 the CSC
    took the reports; the 2021 paper says so for each one).
    """
    kind = milestone.kind
    if kind == MilestoneKind.WORKING_GROUP:
        return MeetingKind.WORKING_GROUP
    if kind == MilestoneKind.PANEL_RETURN:
        return MeetingKind.PANEL
    if kind == MilestoneKind.CHANGE_BOARD_VOTE:
        return MeetingKind.CHANGE_BOARD
    if kind == MilestoneKind.MODIFICATION_REPORT:
        return MeetingKind.CSC if _CSC_WORDS.search(milestone.text or "") else MeetingKind.PANEL
    return None


def milestone_window(milestone: Milestone) -> VagueDate:
    """The stored date with its precision: a day, early/mid/late in a month, or the month."""
    return VagueDate(milestone.start, Precision(milestone.precision))


@dataclass(frozen=True)
class Schedule:
    """The Working Days and meeting exceptions read once, for answers that ask many times."""

    calendar: WorkingCalendar
    overrides: tuple[MeetingOverride, ...]

    def between(
        self, start: date, end: date, kinds: Iterable[MeetingKind] | None = None
    ) -> list[Meeting]:
        """Meetings from start to end inclusive, by day."""
        return meetings_between(
            start, end, calendar=self.calendar, overrides=self.overrides, kinds=kinds
        )

    def in_month(self, kind: MeetingKind, year: int, month: int) -> Meeting | None:
        """The month's occurrence ("the May 2019 Panel meeting"), exceptions applied."""
        return meeting_in_month(kind, year, month, calendar=self.calendar, overrides=self.overrides)

    def next(self, kind: MeetingKind, after: date) -> Meeting | None:
        """The first meeting of a series on or after the day."""
        return next_meeting(kind, after, calendar=self.calendar, overrides=self.overrides)

    def next_regular(self, kind: MeetingKind, after: date) -> Meeting | None:
        """The first monthly (not ad hoc) meeting of a series on or after the day."""
        found = self.next(kind, after)
        for _ in range(24):
            if found is None or found.occurrence is not None:
                return found
            found = self.next(kind, found.day + timedelta(days=1))
        return None

    def meeting_for(self, milestone: Milestone) -> Meeting | None:
        """The meeting a milestone happens at, never an invented day.

        A day-precision milestone belongs to its series' meeting on that day, if any. A month
        ("at the May 2019 meeting") belongs to that month's meeting. Early, mid or late in a
        month belongs to the month's meeting only when that meeting falls in the window.
        """
        kind = meeting_kind_for(milestone)
        if kind is None:
            return None
        window = milestone_window(milestone)
        if window.precision is Precision.DAY:
            return next(iter(self.between(window.start, window.start, [kind])), None)
        meeting = self.in_month(kind, window.year, window.month)
        if meeting is None:
            return None
        if window.precision is Precision.MONTH or window.contains(meeting.day):
            return meeting
        return None


def get_working_calendar(session: Session) -> WorkingCalendar:
    """Working Days: England and Wales bank holidays plus every closure in the store."""
    return WorkingCalendar(session.scalars(select(Closure.day)))


def _is_paper(added_by: str | None) -> bool:
    return bool(added_by) and str(added_by).lower().startswith(_PAPER_AUTHORS)


def _override(row: MeetingChange) -> MeetingOverride | None:
    """One stored change as a domain override; None (logged) for a row that makes no sense."""
    month = None
    if row.occurrence_year is not None and row.occurrence_month is not None:
        month = (row.occurrence_year, row.occurrence_month)
    try:
        return MeetingOverride(
            kind=MeetingKind(row.kind),
            month=month,
            action=row.action,  # type: ignore[arg-type]  # checked by MeetingOverride
            day=row.day,
            note=row.note or "",
            source="paper" if _is_paper(row.added_by) else "admin",
        )
    except ValueError as exc:  # one bad row must not take every calendar answer down
        log.warning("ignoring meeting change %s: %s", row.id, exc)
        return None


def list_meeting_overrides(session: Session) -> list[MeetingOverride]:
    """Every meeting exception: dates from papers first, then administrators' changes in order."""
    rows = session.scalars(select(MeetingChange).order_by(MeetingChange.added_at, MeetingChange.id))
    ordered = sorted(rows, key=lambda row: not _is_paper(row.added_by))  # stable: keeps order
    return [o for o in (_override(row) for row in ordered) if o is not None]


def get_schedule(session: Session) -> Schedule:
    """The calendar and exceptions as they stand in the store."""
    return Schedule(get_working_calendar(session), tuple(list_meeting_overrides(session)))


def list_meetings(
    session: Session, *, start: date, end: date, kinds: Iterable[MeetingKind] | None = None
) -> list[Meeting]:
    """Meetings held from start to end inclusive, exceptions applied, by day then series."""
    return get_schedule(session).between(start, end, kinds)


def list_milestones_between(
    session: Session, *, start: date, end: date, as_of: date
) -> list[Milestone]:
    """Current milestones known on as_of whose window overlaps start..end, by window start."""
    stmt = (
        select(Milestone)
        .options(selectinload(Milestone.modification), selectinload(Milestone.document))
        .where(
            Milestone.superseded.is_(False),
            (Milestone.as_of.is_(None)) | (Milestone.as_of <= as_of),
            # A window never leaves its month, so one starting before start's month cannot reach.
            Milestone.start >= start.replace(day=1),
            Milestone.start <= end,
        )
        .order_by(Milestone.start, Milestone.id)
    )
    return [m for m in session.scalars(stmt) if milestone_window(m).end >= start]


def expected_at(
    session: Session, meeting: Meeting, as_of: date, *, schedule: Schedule | None = None
) -> list[Milestone]:
    """Milestones known on as_of that happen at this meeting, in reference order."""
    schedule = schedule or get_schedule(session)
    months = {(meeting.day.year, meeting.day.month)}
    if meeting.occurrence is not None:
        months.add(meeting.occurrence)
    found: list[Milestone] = []
    for year, month in sorted(months):
        first = date(year, month, 1)
        last = VagueDate.of_month(year, month).end
        for milestone in list_milestones_between(session, start=first, end=last, as_of=as_of):
            if meeting_kind_for(milestone) is not meeting.kind or milestone in found:
                continue
            anchor = schedule.meeting_for(milestone)
            if anchor is not None and anchor.uid == meeting.uid and anchor.day == meeting.day:
                found.append(milestone)
    found.sort(key=lambda m: (m.modification.number, m.modification.letter, m.id))
    return found


def get_data_stamp(session: Session) -> datetime:
    """When the store's calendar data last changed (papers, meeting changes, admin actions)."""
    stamps = [
        session.scalar(select(func.max(Document.recorded_at))),
        session.scalar(select(func.max(MeetingChange.added_at))),
        session.scalar(select(func.max(AuditEntry.at))),
    ]
    # SQLite hands back naive datetimes; they were written as UTC or London, an hour at most apart.
    aware = [s if s.utcoffset() is not None else s.replace(tzinfo=UTC) for s in stamps if s]
    return max(aware, default=_EPOCH).astimezone(UTC).replace(microsecond=0)


def _sample_change(item: dict[str, Any], stamp: datetime) -> MeetingChange:
    kind = MeetingKind(item["kind"])
    day = date.fromisoformat(str(item["day"]))
    month = item.get("occurrence")
    year_month = None if month is None else tuple(int(p) for p in str(month).split("-"))
    override = MeetingOverride(
        kind,
        None if year_month is None else (year_month[0], year_month[1]),
        "add" if year_month is None else "move",
        day,
        item.get("note", ""),
        "paper",
    )  # validates the entry before it reaches the store
    return MeetingChange(
        kind=override.kind.value,
        occurrence_year=override.month[0] if override.month else None,
        occurrence_month=override.month[1] if override.month else None,
        action=override.action,
        day=override.day,
        note=override.note,
        added_by=SAMPLE_AUTHOR,
        added_at=stamp,
    )


def load_sample_meetings(session: Session, path: Path = SAMPLE_MEETINGS_FILE) -> int:
    """Add the meeting dates the seed papers state, once; returns how many were added."""
    already = select(func.count()).select_from(MeetingChange)
    if session.scalar(already.where(MeetingChange.added_by == SAMPLE_AUTHOR)):
        return 0
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    stamp = now()
    changes = [_sample_change(item, stamp) for item in data.get("meetings", [])]
    session.add_all(changes)
    session.flush()
    return len(changes)
