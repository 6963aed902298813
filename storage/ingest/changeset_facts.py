"""The change-set kinds for facts beyond status and scope: outcomes, SEC versions, consultations.

Their JSON shapes (inside ``ChangeSet.to_json()``)::

    "outcomes": [{"ref", "body", "result", "date", "text", "source"}],
    "sec_versions": [{"number", "effective", "implements", "text", "source"}],
    "consultations": [{"title", "closes", "ref", "opens", "respond_to", "how", "source"}]

``body`` is who decided (``OUTCOME_BODIES``), ``result`` what they decided (``OUTCOME_RESULTS``).
A SEC version's ``implements`` lists modification references. A consultation's ``ref`` is the
modification it is about, when it is about one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.ingest.changeset_base import Json, SourcePos, day, iso

# What a modification can wait on: a decision, or the DCC's work (Preliminary Assessment, Impact
# Assessment), or a response (to a request for information).
WAIT_KINDS = ("decision", "preliminary_assessment", "impact_assessment", "response")

# Who takes a decision on a modification (the Proposer withdraws it).
OUTCOME_BODIES = ("Change Board", "Panel", "CSC", "Authority", "BEIS", "Proposer", "SECAS")
# What they decided.
OUTCOME_RESULTS = (
    "approved",
    "rejected",
    "withdrawn",
    "deferred",
    "sent back",
    "referred",
    "recommended approval",
    "recommended rejection",
    "converted",
    "closed",
)


@dataclass(frozen=True)
class Outcome:
    """A decision taken on a modification: who decided, what, and when (not its go-live)."""

    ref: str
    body: str
    result: str
    date: date | None
    text: str
    source: SourcePos

    def __post_init__(self) -> None:
        if self.body not in OUTCOME_BODIES:
            raise ValueError(f"unknown decision body {self.body!r}")
        if self.result not in OUTCOME_RESULTS:
            raise ValueError(f"unknown decision result {self.result!r}")

    def to_json(self) -> Json:
        return {
            "ref": self.ref,
            "body": self.body,
            "result": self.result,
            "date": iso(self.date),
            "text": self.text,
            "source": self.source.to_json(),
        }

    @classmethod
    def from_json(cls, data: Json) -> Outcome:
        return cls(
            ref=data["ref"],
            body=data["body"],
            result=data["result"],
            date=day(data.get("date")),
            text=data.get("text", ""),
            source=SourcePos.from_json(data.get("source")),
        )


@dataclass(frozen=True)
class SecVersion:
    """A version of the SEC: its number ("5.5"), the day it took effect, what it implemented."""

    number: str
    effective: date | None
    implements: tuple[str, ...]
    text: str
    source: SourcePos

    def to_json(self) -> Json:
        return {
            "number": self.number,
            "effective": iso(self.effective),
            "implements": list(self.implements),
            "text": self.text,
            "source": self.source.to_json(),
        }

    @classmethod
    def from_json(cls, data: Json) -> SecVersion:
        return cls(
            number=str(data["number"]),
            effective=day(data.get("effective")),
            implements=tuple(data.get("implements", ())),
            text=data.get("text", ""),
            source=SourcePos.from_json(data.get("source")),
        )


@dataclass(frozen=True)
class Consultation:
    """An open consultation: what it asks about, when it closes, where and how to respond."""

    title: str
    closes: date
    source: SourcePos
    ref: str | None = None
    opens: date | None = None
    respond_to: str | None = None  # an address or page
    how: str | None = None  # "using the response form on the consultation page"

    def to_json(self) -> Json:
        return {
            "title": self.title,
            "closes": self.closes.isoformat(),
            "ref": self.ref,
            "opens": iso(self.opens),
            "respond_to": self.respond_to,
            "how": self.how,
            "source": self.source.to_json(),
        }

    @classmethod
    def from_json(cls, data: Json) -> Consultation:
        return cls(
            title=data["title"],
            closes=date.fromisoformat(data["closes"]),
            source=SourcePos.from_json(data.get("source")),
            ref=data.get("ref"),
            opens=day(data.get("opens")),
            respond_to=data.get("respond_to"),
            how=data.get("how"),
        )
