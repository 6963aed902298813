"""View models: what an answer says, independent of how a surface draws it.

Strings here are raw (unescaped); each surface's templates escape them for their markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

WEB_BASE = "https://smartenergycodecompany.co.uk/modifications/"


def web_url(slug: str | None) -> str | None:
    """The modification's page on the SEC website."""
    return f"{WEB_BASE}{slug}/" if slug else None


@dataclass(frozen=True)
class ModRow:
    """A modification in a list: reference, title, where it stands, and its page."""

    ref: str
    title: str
    stage_label: str
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class MilestoneView:
    label: str
    when: str  # "Wednesday 3 April 2019", "early April 2019", "May 2019"
    start: date
    text: str = ""
    ref: str | None = None


@dataclass(frozen=True)
class DecisionView:
    ref: str
    title: str
    owner: str
    what: str
    since: date
    age_working_days: int | None = None
    due: str | None = None


@dataclass(frozen=True)
class ReleaseLink:
    title: str
    go_live: date | None
    state_label: str
    note: str | None = None


@dataclass(frozen=True)
class StatusView:
    ref: str
    title: str
    stage: str
    stage_label: str
    sentence: str
    status: str | None
    status_as_of: date | None
    proposer: str | None
    path_label: str | None
    dcc_impact: bool | None
    url: str | None
    release: ReleaseLink | None
    milestones: list[MilestoneView] = field(default_factory=list)
    decisions: list[DecisionView] = field(default_factory=list)
    as_of: date | None = None
    consultations: list[str] = field(default_factory=list)  # what, closing date, respond to


@dataclass(frozen=True)
class HistoryEntryView:
    as_of: date
    stage_label: str
    status: str
    source: str | None


@dataclass(frozen=True)
class HistoryView:
    ref: str
    title: str
    url: str | None
    entries: list[HistoryEntryView]
    # "what changed between 2019 and 2021": the period, and the standing before and after it.
    period: str | None = None
    before: HistoryEntryView | None = None
    after: HistoryEntryView | None = None


@dataclass(frozen=True)
class ScopeRow:
    ref: str
    title: str
    state: str  # in_scope | partial | removed
    stage_label: str
    note: str | None
    added: bool
    url: str | None
    next_date: str | None = None  # the soonest milestone ahead (bot.answers.tables)


@dataclass(frozen=True)
class ReleaseView:
    title: str
    go_live: date | None
    baselining: str | None
    in_scope: list[ScopeRow]
    removed: list[ScopeRow]
    as_of: date | None = None
    page: Any = None  # bot.answers.tables.Page: the in-scope rows the table shows
    # True when the store knows it went live (its go-live passed and a modification in its
    # scope is implemented): "went live"; otherwise a passed date "was due to go live".
    went_live: bool | None = None
    # Modifications aiming at the release without being in its scope (candidates, maybe at
    # risk): shown apart, never counted as scope.
    candidates: list[ScopeRow] = field(default_factory=list)

    @property
    def changes(self) -> list[ScopeRow]:
        """Scope changes since baselining: additions and removals."""
        return [row for row in self.in_scope if row.added] + self.removed


@dataclass(frozen=True)
class ReleaseSummary:
    title: str
    go_live: date | None
    in_scope: int
    past: bool
    went_live: bool | None = None  # as ReleaseView.went_live
    candidates: int = 0  # named as candidates, not in scope (never counted in in_scope)


@dataclass(frozen=True)
class ReleasesView:
    releases: list[ReleaseSummary]
    as_of: date | None = None  # the day the dates are told as of (went / goes live)


@dataclass(frozen=True)
class MembershipView:
    """Is a modification in a release? ("is MP128B in Feb 22?")."""

    ref: str
    title: str
    release_title: str
    go_live: date | None
    state: str | None  # None when not in scope at all
    added: bool
    note: str | None
    as_of: date | None = None
    went_live: bool | None = None  # as ReleaseView.went_live


@dataclass(frozen=True)
class SearchView:
    query: str
    hits: list[ModRow]


@dataclass(frozen=True)
class DecisionsView:
    title: str
    decisions: list[DecisionView]
    page: Any = None  # bot.answers.tables.Page: the decisions the table shows


@dataclass(frozen=True)
class HelpView:
    commands: list[tuple[str, str]]
    admin_commands: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class MessageView:
    """A short answer: an error, a refusal, or a confirmation, with suggestions to try."""

    text: str
    suggestions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    """What the router returns: the message kind (its template), the view model, and success."""

    kind: str
    model: Any
    ok: bool = True
    # Extra data a surface may use (e.g. the modification ref for buttons).
    meta: dict[str, Any] = field(default_factory=dict)


def message(text: str, *suggestions: str, ok: bool = False, kind: str = "message") -> Answer:
    """A short answer; failures by default."""
    return Answer(kind=kind, model=MessageView(text=text, suggestions=list(suggestions)), ok=ok)
