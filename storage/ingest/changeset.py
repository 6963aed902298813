"""The change set one document yields: facts to review before anything is written.

``ChangeSet.to_json()`` is the interchange shape (``secbot ingest --json`` prints it, and the step
that applies facts to the store reads it back with ``ChangeSet.from_json``)::

    {"documents": [{"path", "date", "title", "source", "kind"?, "url"?, "fetched_at"?,
                    "reference"?}],
     "modifications": [{"ref", "title", "stage", "status", "as_of", "source", "proposer"?,
                        "lead_analyst"?, "raised_on"?, "implementation"?,
                        "implementation_date"?, "release"?, "stage_inferred"?, "url"?,
                        "dcc_impact"?, "history"?: [{"date", "text"}], "path"?}],
     "releases": [{"name", "date", "in_scope", "removed", "added", "partial", "baselining",
                   "candidates", "source", "notes"?}],
     "milestones": [{"ref", "kind", "date", "precision", "text", "source"}],
     "decisions": [{"ref", "owner", "text", "source", "kind"?, "due"?, "due_precision"?,
                    "resolved_on"?, "resolution"?}],
     "outcomes"?: [...], "sec_versions"?: [...], "consultations"?: [...]}

(``?``: present only when set; the last three are described in ``changeset_facts``.)

Dates are ISO ("2019-04-03"; a month-wide vague date is "2019-06" with its precision beside it);
every item's ``source`` is ``{"page": n, "line": n}``, both counted from 1. In a release,
``in_scope`` lists every modification in its scope; ``added`` and ``partial`` are subsets of it
(added since the last update; only part of the change goes in this release, with a note), while
``removed`` ones are out of scope. ``candidates`` are modifications a paper names as aiming at a
release without being in its scope (candidates, possibly at risk): they are not scope. ``notes``
are remarks on single entries (scope or candidate) that are not partial scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sec.lifecycle import MilestoneKind, Owner, Stage
from sec.vague_dates import VagueDate
from storage.ingest.changeset_base import Json, SourcePos
from storage.ingest.changeset_base import day as _day
from storage.ingest.changeset_base import given as _given
from storage.ingest.changeset_base import iso as _iso
from storage.ingest.changeset_facts import WAIT_KINDS, Consultation, Outcome, SecVersion

__all__ = [
    "ChangeSet",
    "Consultation",
    "Decision",
    "Document",
    "HistoryEntry",
    "Json",
    "Milestone",
    "Modification",
    "Outcome",
    "PartialScope",
    "Release",
    "ReleaseNote",
    "SecVersion",
    "SourcePos",
    "WAIT_KINDS",
]


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
    reference: str | None = None  # a paper's own reference ("SECP_66_1503_12")

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
                reference=self.reference,
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
    path: str | None = None  # the decision path a paper names (sec.lifecycle.DecisionPath value)

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
                path=self.path,
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
    # Remarks on single entries that are not partial scope ("only if approved by 21 October").
    notes: tuple[PartialScope, ...] = ()

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
            **_given(notes=[item.to_json() for item in self.notes] or None),
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
            notes=tuple(PartialScope(p["ref"], p.get("note", "")) for p in data.get("notes", ())),
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
    """Something a modification waits on: a decision, or work owed (the DCC's assessments).

    ``kind`` is one of ``WAIT_KINDS``; ``due`` is when it is due, when a paper says. A wait a
    document reports as done carries ``resolved_on`` and ``resolution``.
    """

    ref: str
    owner: Owner
    text: str
    source: SourcePos
    kind: str = "decision"
    due: VagueDate | None = None
    resolved_on: date | None = None
    resolution: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in WAIT_KINDS:
            raise ValueError(f"unknown wait kind {self.kind!r}")

    def to_json(self) -> Json:
        return {
            "ref": self.ref,
            "owner": self.owner.value,
            "text": self.text,
            "source": self.source.to_json(),
            **_given(
                kind=self.kind if self.kind != "decision" else None,
                due=self.due.iso() if self.due else None,
                due_precision=self.due.precision.value if self.due else None,
                resolved_on=_iso(self.resolved_on),
                resolution=self.resolution,
            ),
        }


@dataclass
class ChangeSet:
    documents: list[Document] = field(default_factory=list)
    modifications: list[Modification] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    sec_versions: list[SecVersion] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)

    def to_json(self) -> Json:
        return {
            "documents": [item.to_json() for item in self.documents],
            "modifications": [item.to_json() for item in self.modifications],
            "releases": [item.to_json() for item in self.releases],
            "milestones": [item.to_json() for item in self.milestones],
            "decisions": [item.to_json() for item in self.decisions],
            **_given(
                outcomes=[item.to_json() for item in self.outcomes] or None,
                sec_versions=[item.to_json() for item in self.sec_versions] or None,
                consultations=[item.to_json() for item in self.consultations] or None,
            ),
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
            outcomes=[Outcome.from_json(item) for item in data.get("outcomes", ())],
            sec_versions=[SecVersion.from_json(item) for item in data.get("sec_versions", ())],
            consultations=[Consultation.from_json(item) for item in data.get("consultations", ())],
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
        reference=data.get("reference"),
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
        path=data.get("path"),
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
    due = data.get("due")
    return Decision(
        ref=data["ref"],
        owner=Owner(data["owner"]),
        text=data.get("text", ""),
        source=SourcePos.from_json(data.get("source")),
        kind=data.get("kind", "decision"),
        due=VagueDate.from_iso(due, data.get("due_precision")) if due else None,
        resolved_on=_day(data.get("resolved_on")),
        resolution=data.get("resolution"),
    )
