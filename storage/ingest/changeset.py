"""The change set one document yields: facts to review before anything is written.

``ChangeSet.to_json()`` is the interchange shape (``secbot ingest --json`` prints it, and the step
that applies facts to the store reads it back with ``ChangeSet.from_json``)::

    {"documents": [{"path", "date", "title", "source"}],
     "modifications": [{"ref", "title", "stage", "status", "as_of", "source"}],
     "releases": [{"name", "date", "in_scope", "removed", "added", "partial", "baselining",
                   "candidates", "source"}],
     "milestones": [{"ref", "kind", "date", "precision", "text", "source"}],
     "decisions": [{"ref", "owner", "text", "source"}]}

Dates are ISO ("2019-04-03"; a month-wide vague date is "2019-06" with its precision beside it);
every item's ``source`` is ``{"page": n, "line": n}``, both counted from 1. In a release,
``in_scope`` lists every modification in its scope; ``added`` and ``partial`` are subsets of it
(added since the last update; only part of the change goes in this release, with a note), while
``removed`` ones are out of scope. ``candidates`` are modifications a paper names as aiming at a
release that is not otherwise described.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sec.lifecycle import MilestoneKind, Owner, Stage
from sec.vague_dates import VagueDate

Json = dict[str, Any]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _given(**fields: Any) -> Json:
    """The optional fields that are set, so a paper's change set keeps its short shape."""
    return {key: value for key, value in fields.items() if value is not None}


@dataclass(frozen=True)
class SourcePos:
    """Where a fact was read: page and line, counted from 1."""

    page: int
    line: int

    def to_json(self) -> Json:
        return {"page": self.page, "line": self.line}

    @classmethod
    def from_json(cls, data: Json | None) -> SourcePos:
        data = data or {}
        return cls(page=int(data.get("page", 1)), line=int(data.get("line", 1)))


@dataclass(frozen=True)
class Document:
    """Where the facts come from: a paper (path), a web page (url, fetched_at) or the sample data.

    ``kind`` is ``paper``, ``page``, ``sample`` or ``admin``. A page is true on the day it was
    fetched; its own dates go into the history as they are.
    """

    path: str
    date: date | None
    title: str
    source: SourcePos
    kind: str = "paper"
    url: str | None = None
    fetched_at: datetime | None = None

    def to_json(self) -> Json:
        return {
            "path": self.path,
            "date": _iso(self.date),
            "title": self.title,
            "source": self.source.to_json(),
            **_given(
                kind=self.kind if self.kind != "paper" else None,
                url=self.url,
                fetched_at=self.fetched_at.isoformat() if self.fetched_at else None,
            ),
        }


@dataclass(frozen=True)
class HistoryEntry:
    """One dated line of a modification's timeline ("03 Mar 2021 Present to Working Group")."""

    date: date
    text: str

    def to_json(self) -> Json:
        return {"date": self.date.isoformat(), "text": self.text}


@dataclass(frozen=True)
class Modification:
    ref: str
    title: str
    stage: Stage | None
    status: str | None
    as_of: date | None
    source: SourcePos
    # Fields the website's modification pages carry (papers rarely do); None = not stated.
    proposer: str | None = None
    lead_analyst: str | None = None
    raised_on: date | None = None
    implementation: str | None = None  # as shown: "Targeted for Jun 21 SEC Release", "Unknown"
    implementation_date: date | None = None
    release: str | None = None  # the SEC Release the implementation names ("November 2020")
    stage_inferred: bool = False  # the page showed no Stage; read from the latest update
    url: str | None = None  # the modification's web page
    dcc_impact: bool | None = None
    history: tuple[HistoryEntry, ...] = ()  # the dated timeline, oldest first

    def to_json(self) -> Json:
        return {
            "ref": self.ref,
            "title": self.title,
            "stage": self.stage.value if self.stage else None,
            "status": self.status,
            "as_of": _iso(self.as_of),
            "source": self.source.to_json(),
            **_given(
                proposer=self.proposer,
                lead_analyst=self.lead_analyst,
                raised_on=_iso(self.raised_on),
                implementation=self.implementation,
                implementation_date=_iso(self.implementation_date),
                release=self.release,
                stage_inferred=self.stage_inferred or None,
                url=self.url,
                dcc_impact=self.dcc_impact,
                history=[entry.to_json() for entry in self.history] or None,
            ),
        }


@dataclass(frozen=True)
class PartialScope:
    """Only part of a modification goes in a release; the note says which part."""

    ref: str
    note: str

    def to_json(self) -> Json:
        return {"ref": self.ref, "note": self.note}


@dataclass(frozen=True)
class ReleaseNote:
    """A dated remark about a release's scope, such as when it was or will be baselined."""

    date: VagueDate | None
    text: str

    def to_json(self) -> Json:
        return {
            "date": self.date.iso() if self.date else None,
            "precision": self.date.precision.value if self.date else None,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: Json) -> ReleaseNote:
        when = data.get("date")
        value = VagueDate.from_iso(when, data.get("precision")) if when else None
        return cls(date=value, text=str(data.get("text", "")))


@dataclass(frozen=True)
class Release:
    name: str
    date: date | None
    source: SourcePos
    in_scope: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    partial: tuple[PartialScope, ...] = ()
    baselining: tuple[ReleaseNote, ...] = ()
    candidates: tuple[str, ...] = ()

    def to_json(self) -> Json:
        return {
            "name": self.name,
            "date": _iso(self.date),
            "in_scope": list(self.in_scope),
            "removed": list(self.removed),
            "added": list(self.added),
            "partial": [item.to_json() for item in self.partial],
            "baselining": [note.to_json() for note in self.baselining],
            "candidates": list(self.candidates),
            "source": self.source.to_json(),
        }

    @classmethod
    def from_json(cls, data: Json) -> Release:
        return cls(
            name=data["name"],
            date=_day(data.get("date")),
            source=SourcePos.from_json(data.get("source")),
            in_scope=tuple(data.get("in_scope", ())),
            removed=tuple(data.get("removed", ())),
            added=tuple(data.get("added", ())),
            partial=tuple(
                PartialScope(p["ref"], p.get("note", "")) for p in data.get("partial", ())
            ),
            baselining=tuple(ReleaseNote.from_json(n) for n in data.get("baselining", ())),
            candidates=tuple(data.get("candidates", ())),
        )


@dataclass(frozen=True)
class Milestone:
    ref: str
    kind: MilestoneKind
    date: VagueDate
    text: str
    source: SourcePos

    def to_json(self) -> Json:
        return {
            "ref": self.ref,
            "kind": self.kind.value,
            "date": self.date.iso(),
            "precision": self.date.precision.value,
            "text": self.text,
            "source": self.source.to_json(),
        }


@dataclass(frozen=True)
class Decision:
    """A decision someone still has to take before the modification can move on."""

    ref: str
    owner: Owner
    text: str
    source: SourcePos

    def to_json(self) -> Json:
        return {
            "ref": self.ref,
            "owner": self.owner.value,
            "text": self.text,
            "source": self.source.to_json(),
        }


@dataclass
class ChangeSet:
    documents: list[Document] = field(default_factory=list)
    modifications: list[Modification] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def to_json(self) -> Json:
        return {
            "documents": [item.to_json() for item in self.documents],
            "modifications": [item.to_json() for item in self.modifications],
            "releases": [item.to_json() for item in self.releases],
            "milestones": [item.to_json() for item in self.milestones],
            "decisions": [item.to_json() for item in self.decisions],
        }

    @classmethod
    def from_json(cls, data: Json) -> ChangeSet:
        """The inverse of ``to_json``; raises KeyError or ValueError on a malformed change set."""
        return cls(
            documents=[_document(item) for item in data.get("documents", ())],
            modifications=[_modification(item) for item in data.get("modifications", ())],
            releases=[Release.from_json(item) for item in data.get("releases", ())],
            milestones=[_milestone(item) for item in data.get("milestones", ())],
            decisions=[_decision(item) for item in data.get("decisions", ())],
        )


def _document(data: Json) -> Document:
    fetched = data.get("fetched_at")
    return Document(
        path=data["path"],
        date=_day(data.get("date")),
        title=data.get("title", ""),
        source=SourcePos.from_json(data.get("source")),
        kind=data.get("kind", "paper"),
        url=data.get("url"),
        fetched_at=datetime.fromisoformat(fetched) if fetched else None,
    )


def _modification(data: Json) -> Modification:
    stage = data.get("stage")
    return Modification(
        ref=data["ref"],
        title=data.get("title", ""),
        stage=Stage(stage) if stage else None,
        status=data.get("status"),
        as_of=_day(data.get("as_of")),
        source=SourcePos.from_json(data.get("source")),
        proposer=data.get("proposer"),
        lead_analyst=data.get("lead_analyst"),
        raised_on=_day(data.get("raised_on")),
        implementation=data.get("implementation"),
        implementation_date=_day(data.get("implementation_date")),
        release=data.get("release"),
        stage_inferred=bool(data.get("stage_inferred", False)),
        url=data.get("url"),
        dcc_impact=data.get("dcc_impact"),
        history=tuple(
            HistoryEntry(date.fromisoformat(h["date"]), h.get("text", ""))
            for h in data.get("history", ())
        ),
    )


def _milestone(data: Json) -> Milestone:
    return Milestone(
        ref=data["ref"],
        kind=MilestoneKind(data["kind"]),
        date=VagueDate.from_iso(data["date"], data.get("precision")),
        text=data.get("text", ""),
        source=SourcePos.from_json(data.get("source")),
    )


def _decision(data: Json) -> Decision:
    return Decision(
        ref=data["ref"],
        owner=Owner(data["owner"]),
        text=data.get("text", ""),
        source=SourcePos.from_json(data.get("source")),
    )
