"""What applying a change set reports: one line per change, and the events people are told of."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

ADD, UPDATE, CONFLICT, KEEP = "+", "~", "!", "="

# The kinds of applied change that become change events (issue 13): a stage moved, the status
# (latest update) changed, the implementation date or target release changed, added to or removed
# from a release's scope, a release's go-live moved, a new modification raised, a decision
# recorded (Change Board vote, Authority decision, withdrawal), a title changed.
EVENT_KINDS = (
    "stage",
    "status",
    "implementation",
    "target_release",
    "scope_added",
    "scope_removed",
    "go_live",
    "raised",
    "decision",
    "title",
)


@dataclass(frozen=True)
class Change:
    """One line of the diff: what changes, about what, and where the paper says so."""

    action: str  # + add, ~ update, ! conflict (not applied), = kept (older document)
    subject: str
    what: str
    source: str
    # What people care about, for change notifications (None: bookkeeping nobody is told of).
    # One of EVENT_KINDS; ref/release say what it is about; before/after are short display text.
    event: str | None = None
    ref: str | None = None
    release: str | None = None
    before: str | None = None
    after: str | None = None

    def line(self) -> str:
        return f"{self.action} {self.subject}: {self.what}  [{self.source}]"


@dataclass(frozen=True)
class Event:
    """The event part of a change: its kind, what it is about, and short before/after text."""

    kind: str
    ref: str | None = None
    release: str | None = None
    before: str | None = None
    after: str | None = None


@dataclass
class ChangeReport:
    path: str
    document_date: date | None
    already_applied: bool = False
    changes: list[Change] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def events(self) -> list[Change]:
        """The applied changes people are told of (those with an event)."""
        return [c for c in self.changes if c.event is not None and c.action in (ADD, UPDATE)]

    def lines(self) -> list[str]:
        when = self.document_date.isoformat() if self.document_date else "undated"
        head = f"{self.path} ({when})"
        if self.already_applied:
            return [f"{head}: already ingested; nothing changes."]
        summary = (
            f"{self.count(ADD)} additions, {self.count(UPDATE)} updates, "
            f"{self.count(CONFLICT)} conflicts, {self.count(KEEP)} kept as newer"
        )
        return [f"{head}: {summary}", *(c.line() for c in self.changes)]


def slugify(title: str) -> str:
    """The website's slug for a title: lower case, runs of other characters become hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
