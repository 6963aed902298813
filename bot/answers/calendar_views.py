"""View models for the calendar answers (`meetings`, `deadlines`): raw strings, no markup."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class ExpectedView:
    """A modification expected at a meeting, and why."""

    ref: str
    title: str
    label: str  # "Working Group", "Return to the Panel"
    text: str = ""


@dataclass(frozen=True)
class MeetingView:
    """One meeting with its deadlines and what is expected there."""

    kind: str  # sec.meetings.MeetingKind value
    kind_label: str  # "Working Group"
    day: date
    agenda_deadline: date | None
    papers_deadline: date | None
    origin: str  # "" for a rule date; "date from a paper", "moved", "ad hoc" ...
    note: str
    past: bool
    expected: list[ExpectedView] = field(default_factory=list)
    uid: str = ""


@dataclass(frozen=True)
class MeetingsView:
    heading: str
    meetings: list[MeetingView]
    as_of: date
    empty: str = "No meetings."


@dataclass(frozen=True)
class DeadlineView:
    """A dated item in a deadlines list: a meeting deadline or a milestone."""

    day: date  # for sorting: the day itself, the meeting's day, or the window's first day
    when: str  # "Wednesday 20 March 2019", "early April 2019"
    what: str  # "Working Group agenda confirmed", "SECMP0010: DCC Preliminary Assessment due"
    detail: str = ""  # "for the meeting on Wednesday 3 April 2019", the milestone's text
    ref: str | None = None
    past: bool = False


@dataclass(frozen=True)
class DeadlinesView:
    heading: str
    items: list[DeadlineView]
    as_of: date
    start: date
    end: date
    page: Any = None  # bot.answers.tables.Page: the items the table shows
