"""The typed schema of the bundled sample data (storage/sample_data/sample.yaml).

Every key is declared (a misspelt one is refused, not ignored), every value typed with the
domain's own enums, and the cross references checked: each ``doc`` names a document, each
``ref`` a modification, each ``target_release`` a release. docs/sample-data.md describes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sec.lifecycle import DecisionPath, MilestoneKind, Owner, ScopeState, Stage
from sec.references import canonical
from sec.vague_dates import Precision, VagueDate
from storage.ingest.changeset_facts import OUTCOME_BODIES, OUTCOME_RESULTS, WAIT_KINDS

DocKind = Literal["panel_update", "panel_paper", "csc_paper"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _vague(value: str | dt.date, precision: Precision) -> VagueDate:
    """A "YYYY-MM-DD" (day) or "YYYY-MM" (part of a month) date with its precision."""
    return VagueDate.from_iso(value.isoformat() if isinstance(value, dt.date) else value, precision)


class SampleDocument(Strict):
    key: str
    name: str = Field(min_length=1)
    date: dt.date
    kind: DocKind
    seed: str = Field(pattern=r"\.txt$")
    reference: str | None = None


class ScopeItem(Strict):
    ref: str
    state: ScopeState = ScopeState.IN_SCOPE
    added: bool = False
    note: str | None = None


class CandidateItem(Strict):
    ref: str
    note: str | None = None


class SampleRelease(Strict):
    name: str
    go_live: dt.date | None = None
    baselining: str | None = None
    doc: str
    scope: tuple[ScopeItem, ...] = ()
    candidates: tuple[CandidateItem, ...] = ()


class HistoryItem(Strict):
    as_of: dt.date
    doc: str
    stage: Stage
    status: str = Field(min_length=1)


class MilestoneItem(Strict):
    kind: MilestoneKind
    date: str | dt.date
    precision: Precision
    doc: str
    text: str = Field(min_length=1)

    def when(self) -> VagueDate:
        return _vague(self.date, self.precision)


class DecisionItem(Strict):
    """A wait: a decision someone owes, or (``kind``) an assessment the DCC owes."""

    owner: Owner = Owner.PROPOSER
    what: str = Field(min_length=1)
    since: dt.date
    kind: str = "decision"
    due: str | dt.date | None = None
    due_precision: Precision | None = None
    doc: str
    resolved: bool = False
    resolved_on: dt.date | None = None
    resolution: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind not in WAIT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(WAIT_KINDS)}")
        if self.resolved != (self.resolved_on is not None):
            raise ValueError("a resolved decision needs resolved_on (and only a resolved one)")
        if (self.due is None) != (self.due_precision is None):
            raise ValueError("due and due_precision go together")
        return self

    def due_date(self) -> VagueDate | None:
        if self.due is None or self.due_precision is None:
            return None
        return _vague(self.due, self.due_precision)


class OutcomeItem(Strict):
    """A decision taken: who decided, the result, the day, in the words of ``text``."""

    body: str
    result: str
    date: dt.date | None = None
    doc: str
    text: str = ""

    @field_validator("body")
    @classmethod
    def _body(cls, value: str) -> str:
        if value not in OUTCOME_BODIES:
            raise ValueError(f"body must be one of {', '.join(OUTCOME_BODIES)}")
        return value

    @field_validator("result")
    @classmethod
    def _result(cls, value: str) -> str:
        if value not in OUTCOME_RESULTS:
            raise ValueError(f"result must be one of {', '.join(OUTCOME_RESULTS)}")
        return value


class SampleModification(Strict):
    ref: str
    title: str = Field(min_length=1)
    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    slug_derived: bool = False
    proposer: str | None = None
    path: DecisionPath | None = None
    dcc_impact: bool | None = None
    target_release: str | None = None
    # The document the fields above come from; by default the latest that mentions it.
    details_doc: str | None = None
    history: tuple[HistoryItem, ...] = Field(min_length=1)
    milestones: tuple[MilestoneItem, ...] = ()
    decisions: tuple[DecisionItem, ...] = ()
    outcomes: tuple[OutcomeItem, ...] = ()

    @field_validator("ref")
    @classmethod
    def _canonical(cls, value: str) -> str:
        if canonical(value) != value:
            raise ValueError(f"{value!r} is not a canonical modification reference")
        return value

    def docs(self) -> set[str]:
        """The documents that say anything about this modification."""
        return {
            *(item.doc for item in self.history),
            *(item.doc for item in self.milestones),
            *(item.doc for item in self.decisions),
            *(item.doc for item in self.outcomes),
        }


class SecVersionItem(Strict):
    number: str = Field(pattern=r"^\d+\.\d+$")
    effective: dt.date | None = None
    implements: tuple[str, ...] = ()
    doc: str
    text: str = ""


class ConsultationItem(Strict):
    title: str = Field(min_length=1)
    ref: str | None = None
    opens: dt.date | None = None
    closes: dt.date
    respond_to: str | None = None
    how: str | None = None
    doc: str


class SampleData(Strict):
    documents: tuple[SampleDocument, ...]
    releases: tuple[SampleRelease, ...] = ()
    modifications: tuple[SampleModification, ...] = ()
    sec_versions: tuple[SecVersionItem, ...] = ()
    consultations: tuple[ConsultationItem, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Self:
        problems = [*self._unknown_docs(), *self._unknown_refs()]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _unknown_docs(self) -> list[str]:
        keys = {doc.key for doc in self.documents}
        named = {
            *(r.doc for r in self.releases),
            *(v.doc for v in self.sec_versions),
            *(c.doc for c in self.consultations),
            *(doc for m in self.modifications for doc in m.docs()),
            *(m.details_doc for m in self.modifications if m.details_doc),
        }
        return [f"unknown document {key!r}" for key in sorted(named - keys)]

    def _unknown_refs(self) -> list[str]:
        refs = {m.ref for m in self.modifications}
        releases = {r.name for r in self.releases}
        named = {
            *(s.ref for r in self.releases for s in r.scope),
            *(c.ref for r in self.releases for c in r.candidates),
            *(ref for v in self.sec_versions for ref in v.implements),
            *(c.ref for c in self.consultations if c.ref),
        }
        problems = [f"unknown modification {ref!r}" for ref in sorted(named - refs)]
        targets = {m.target_release for m in self.modifications if m.target_release}
        problems += [f"unknown release {name!r}" for name in sorted(targets - releases)]
        return problems
