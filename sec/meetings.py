"""SEC meeting series: monthly rules plus the explicit exceptions that beat them.

Each series is a rule ("first Wednesday of the month"). A rule date that is not a Working Day
moves to the same weekday a week later (New Year's Day 2020 pushes the January Working Group to
8 January), except for the last-of-month series (Change Board, CSC), which move a week earlier so
the meeting stays in its month (Christmas Day 2019 brings the December Change Board to 18
December). Agenda and papers deadlines are counted back in Working Days from the meeting
(Working Group: agenda 10 and papers 5 Working Days before). An explicit date always wins over
the rule: an administrator can move, cancel or add a single meeting, and a paper can name the day.
A rule meeting is known by the month of the occurrence it belongs to, so moving it keeps its uid.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from sec.timefmt import uk_date
from sec.workdays import WorkingCalendar

OverrideAction = Literal["move", "cancel", "add"]
OverrideSource = Literal["admin", "paper"]
MeetingSource = Literal["rule", "moved", "ad_hoc", "paper"]
Month = tuple[int, int]  # (year, month)

UID_DOMAIN = "secbot"
# How far next_meeting looks ahead before giving up on a series.
_LOOKAHEAD_MONTHS = 24


class MeetingKind(StrEnum):
    """The meeting series secbot knows about."""

    WORKING_GROUP = "working_group"
    PANEL = "panel"
    CHANGE_BOARD = "change_board"
    CSC = "csc"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def uid_prefix(self) -> str:
        """Short stable prefix used in calendar uids ("wg-2019-04@secbot")."""
        return _KIND_PREFIXES[self]


_KIND_LABELS = {
    MeetingKind.WORKING_GROUP: "Working Group",
    MeetingKind.PANEL: "SEC Panel",
    MeetingKind.CHANGE_BOARD: "Change Board",
    MeetingKind.CSC: "Change Sub-Committee",
}
_KIND_PREFIXES = {
    MeetingKind.WORKING_GROUP: "wg",
    MeetingKind.PANEL: "panel",
    MeetingKind.CHANGE_BOARD: "cb",
    MeetingKind.CSC: "csc",
}


@dataclass(frozen=True)
class MeetingRule:
    """A monthly series: the ordinal weekday of each month from ``starts`` on.

    weekday: 0 is Monday. ordinal: 1 to 4, or -1 for the last such weekday of the month.
    agenda_wd / papers_wd: Working Days before the meeting by which the agenda is confirmed and
    papers are published (None when the series has no such deadline).
    shift_days: where a rule date that is not a Working Day goes (7: the same weekday a week
    later, repeated until it is a Working Day; -7 would move it a week earlier).
    """

    kind: MeetingKind
    weekday: int
    ordinal: int
    starts: date
    agenda_wd: int | None = None
    papers_wd: int | None = None
    shift_days: int = 7

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6, not {self.weekday}")
        if self.ordinal not in (1, 2, 3, 4, -1):
            raise ValueError(f"ordinal must be 1 to 4 or -1, not {self.ordinal}")
        if self.shift_days == 0:
            raise ValueError("shift_days must move the meeting")


_SEC_START = date(2017, 1, 1)
DEFAULT_RULES: dict[MeetingKind, MeetingRule] = {
    MeetingKind.WORKING_GROUP: MeetingRule(
        MeetingKind.WORKING_GROUP,
        weekday=2,
        ordinal=1,
        starts=date(2019, 4, 3),
        agenda_wd=10,
        papers_wd=5,
    ),
    MeetingKind.PANEL: MeetingRule(
        MeetingKind.PANEL, weekday=4, ordinal=3, starts=_SEC_START, papers_wd=5
    ),
    # A last-of-month meeting moved a week later would leave its month (and its occurrence).
    MeetingKind.CHANGE_BOARD: MeetingRule(
        MeetingKind.CHANGE_BOARD,
        weekday=2,
        ordinal=-1,
        starts=_SEC_START,
        papers_wd=5,
        shift_days=-7,
    ),
    MeetingKind.CSC: MeetingRule(
        MeetingKind.CSC, weekday=1, ordinal=-1, starts=_SEC_START, papers_wd=5, shift_days=-7
    ),
}


@dataclass(frozen=True)
class MeetingOverride:
    """One explicit exception to a series.

    month: (year, month) of the rule occurrence this replaces; None for an ad hoc extra meeting.
    action: "move" (to ``day``), "cancel", or "add" (an extra meeting on ``day``, month None).
    source: "paper" when the date comes from a SECAS paper rather than an administrator.
    When several overrides name the same occurrence, the last one wins.
    """

    kind: MeetingKind
    month: Month | None
    action: OverrideAction
    day: date | None = None
    note: str = ""
    source: OverrideSource = "admin"

    def __post_init__(self) -> None:
        if self.action == "add" and (self.month is not None or self.day is None):
            raise ValueError("an added meeting needs a day and no occurrence month")
        if self.action == "move" and (self.month is None or self.day is None):
            raise ValueError("a moved meeting needs its occurrence month and its new day")
        if self.action == "cancel" and self.month is None:
            raise ValueError("a cancellation needs the occurrence month it cancels")
        if self.month is not None and not 1 <= self.month[1] <= 12:
            raise ValueError(f"no such month: {self.month}")


@dataclass(frozen=True)
class Meeting:
    """One meeting on one day, with its deadlines.

    occurrence: the (year, month) of the rule occurrence it belongs to, None for an extra
    meeting. It keys the uid, so a moved meeting keeps the uid of the one it replaces.
    """

    kind: MeetingKind
    day: date
    agenda_deadline: date | None
    papers_deadline: date | None
    source: MeetingSource
    note: str = ""
    occurrence: Month | None = None

    @property
    def title(self) -> str:
        """Working Group, Wednesday 3 April 2019."""
        return f"{self.kind.label}, {uk_date(self.day)}"

    @property
    def uid(self) -> str:
        """Stable id: "wg-2019-04@secbot" for an occurrence, "wg-2019-04-17-extra@..." else."""
        prefix = self.kind.uid_prefix
        if self.occurrence is not None:
            year, month = self.occurrence
            return f"{prefix}-{year:04d}-{month:02d}@{UID_DOMAIN}"
        return f"{prefix}-{self.day.isoformat()}-extra@{UID_DOMAIN}"


def nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> date:
    """The ordinal-th weekday of a month (ordinal -1: the last one), before any shift."""
    if ordinal == -1:
        last = date(year, month, _calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (ordinal - 1))


def rule_date(rule: MeetingRule, year: int, month: int, calendar: WorkingCalendar) -> date:
    """The rule's date for a month, moved by ``rule.shift_days`` until it is a Working Day."""
    day = nth_weekday(year, month, rule.weekday, rule.ordinal)
    for _ in range(53):
        if calendar.is_working_day(day):
            return day
        day += timedelta(days=rule.shift_days)
    raise ValueError(f"no Working Day found for the {rule.kind.label} of {year}-{month:02d}")


def _deadlines(
    rule: MeetingRule | None, day: date, calendar: WorkingCalendar
) -> tuple[date | None, date | None]:
    """Agenda and papers deadlines for a meeting on ``day`` under the series' rule."""
    if rule is None:
        return None, None
    agenda = None if rule.agenda_wd is None else calendar.subtract_working_days(day, rule.agenda_wd)
    papers = None if rule.papers_wd is None else calendar.subtract_working_days(day, rule.papers_wd)
    return agenda, papers


def _occurrence_override(
    kind: MeetingKind, month: Month, overrides: Sequence[MeetingOverride]
) -> MeetingOverride | None:
    """The last move or cancel naming this occurrence, if any."""
    found = None
    for override in overrides:
        if override.kind == kind and override.month == month and override.action != "add":
            found = override
    return found


def _occurrence(
    rule: MeetingRule,
    month: Month,
    calendar: WorkingCalendar,
    overrides: Sequence[MeetingOverride],
) -> Meeting | None:
    """The meeting for one month of a series, overrides applied; None if cancelled or too early."""
    planned = rule_date(rule, *month, calendar)
    if planned < rule.starts:
        return None
    override = _occurrence_override(rule.kind, month, overrides)
    if override is not None and override.action == "cancel":
        return None
    day, note = planned, ""
    source: MeetingSource = "rule"
    if override is not None and override.day is not None:
        day, note = override.day, override.note
        source = "paper" if override.source == "paper" else "moved"
    agenda, papers = _deadlines(rule, day, calendar)
    return Meeting(rule.kind, day, agenda, papers, source, note, occurrence=month)


def _extra(
    override: MeetingOverride, rules: dict[MeetingKind, MeetingRule], calendar: WorkingCalendar
) -> Meeting:
    """An ad hoc meeting; it follows its series' deadline rule when there is one."""
    assert override.day is not None  # checked in MeetingOverride.__post_init__
    agenda, papers = _deadlines(rules.get(override.kind), override.day, calendar)
    source: MeetingSource = "paper" if override.source == "paper" else "ad_hoc"
    return Meeting(override.kind, override.day, agenda, papers, source, override.note)


def _months(first: Month, last: Month) -> Iterator[Month]:
    """Every (year, month) from first to last inclusive."""
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _shift_month(day: date, by: int) -> Month:
    """The (year, month) ``by`` months after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + by
    return index // 12, index % 12 + 1


def _candidate_months(
    start: date, end: date, kind: MeetingKind, overrides: Sequence[MeetingOverride]
) -> set[Month]:
    """Occurrence months whose meeting could fall in [start, end].

    A shift can carry a meeting a few weeks across a month end, so two months either side are
    checked; a move can take it anywhere, so moved occurrences landing in range are added.
    """
    months = set(_months(_shift_month(start, -2), _shift_month(end, 2)))
    for o in overrides:
        if o.kind == kind and o.action == "move" and o.month and o.day and start <= o.day <= end:
            months.add(o.month)
    return months


def meetings_between(
    start: date,
    end: date,
    *,
    calendar: WorkingCalendar,
    rules: dict[MeetingKind, MeetingRule] = DEFAULT_RULES,
    overrides: Iterable[MeetingOverride] = (),
    kinds: Iterable[MeetingKind] | None = None,
) -> list[Meeting]:
    """Every meeting held from start to end inclusive, sorted by day and then series."""
    wanted = set(MeetingKind) if kinds is None else set(kinds)
    overrides = tuple(overrides)
    found: list[Meeting] = []
    for kind in wanted & rules.keys():
        for month in _candidate_months(start, end, kind, overrides):
            meeting = _occurrence(rules[kind], month, calendar, overrides)
            if meeting is not None and start <= meeting.day <= end:
                found.append(meeting)
    for override in overrides:
        if override.action == "add" and override.kind in wanted:
            assert override.day is not None
            if start <= override.day <= end:
                found.append(_extra(override, rules, calendar))
    order = list(MeetingKind)
    return sorted(found, key=lambda m: (m.day, order.index(m.kind), m.uid))


def meeting_in_month(
    kind: MeetingKind,
    year: int,
    month: int,
    *,
    calendar: WorkingCalendar,
    rules: dict[MeetingKind, MeetingRule] = DEFAULT_RULES,
    overrides: Iterable[MeetingOverride] = (),
) -> Meeting | None:
    """A month's occurrence of a series ("the May 2019 Panel meeting"), overrides applied.

    Without a regular occurrence (cancelled, or before the series starts) the first extra
    meeting held in that month stands in; None when there is neither.
    """
    overrides = tuple(overrides)
    rule = rules.get(kind)
    if rule is not None:
        meeting = _occurrence(rule, (year, month), calendar, overrides)
        if meeting is not None:
            return meeting
    extras = sorted(
        (_extra(o, rules, calendar) for o in overrides if o.kind == kind and o.action == "add"),
        key=lambda m: m.day,
    )
    return next((m for m in extras if (m.day.year, m.day.month) == (year, month)), None)


def next_meeting(
    kind: MeetingKind,
    after: date,
    *,
    calendar: WorkingCalendar,
    rules: dict[MeetingKind, MeetingRule] = DEFAULT_RULES,
    overrides: Iterable[MeetingOverride] = (),
) -> Meeting | None:
    """The first meeting of a series on or after ``after``; None if none within two years."""
    overrides = tuple(overrides)
    window_start = after
    for _ in range(_LOOKAHEAD_MONTHS // 3):
        window_end = window_start + timedelta(days=92)
        found = meetings_between(
            window_start,
            window_end,
            calendar=calendar,
            rules=rules,
            overrides=overrides,
            kinds=[kind],
        )
        if found:
            return found[0]
        window_start = window_end + timedelta(days=1)
    return None
