"""Facts beyond status and scope, read from a paper's sentences as a person would.

- SEC versions: "SEC Version 5.5 came into effect on 15th March 2017", with the modification the
  same or the next sentence names ("implementing SECMP0016", "the approval ... of SECMP0026").
- Decisions taken: "approved by BEIS ... on 17th January 2017" (about the modification named last
  before it when the sentence names none), "the Change Board approval at its February 2017
  meeting of SECMP0026", "withdrawn by the Proposer on 9 June 2021", "On 26 May 2021, the Change
  Board voted to approve this modification".
- Consultations: "<ref> ... Consultation was issued" with "Responses are requested by <date> to
  <address>" next to it; "The industry consultation closed on 1 March 2019".
- Release candidates: "<ref> is a candidate for the November 2019 SEC Release" (at risk when the
  next sentences say so).
- Work owed by the DCC: "currently with the DCC for Preliminary Assessment ... by mid-March
  2019", "The DCC is currently carrying out an Impact Assessment", "reviewing the Preliminary
  Assessment ... expect to receive this by early April 2019".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sec.lifecycle import Owner
from sec.references import find_refs
from sec.releases import parse_release_month
from sec.vague_dates import Precision, VagueDate, find_vague_dates
from storage.ingest.changeset import (
    Consultation,
    Decision,
    Outcome,
    PartialScope,
    Release,
    SecVersion,
    SourcePos,
)
from storage.ingest.extract_layout import CleanText, Layout
from storage.ingest.extract_tables import Block

_BODY = r"BEIS|the Authority|Ofgem|(?:the )?Change Board|(?:the )?(?:SEC )?Panel|(?:the )?CSC"
_BODIES = {
    "beis": "BEIS",
    "authority": "Authority",
    "ofgem": "Authority",
    "change board": "Change Board",
}
_VERSION = re.compile(r"\bSEC Version (?P<number>\d+\.\d+) came into effect (?:on|from) ")
_APPROVED_BY = re.compile(rf"\b(?P<result>approved|rejected) by (?P<body>{_BODY})\b")
_APPROVAL_AT = re.compile(
    rf"\b(?P<body>{_BODY}) (?P<result>approval|rejection) at its "
    r"(?P<when>[A-Z][a-z]+ \d{4}) meeting"
)
_WITHDRAWN = re.compile(r"\bwithdrawn by the Proposer on ")
_VOTED = re.compile(
    rf"\b(?P<body>{_BODY}) (?:voted|determined|decided) to (?P<result>approve|reject)"
)
_ISSUED = re.compile(
    r"\b(?P<what>(?:Modification Report|Refinement|industry) Consultation) was issued", re.I
)
_RESPOND = re.compile(
    r"\bResponses are requested by (?P<when>[^.]{4,40}?) to (?P<to>[\w.+-]+@[\w.-]+\w)"
)
_CLOSED = re.compile(
    r"\b(?P<what>(?:industry|Refinement|Modification Report) consultation) closed on ", re.I
)
_CANDIDATE = re.compile(r"\bis a candidate for the (?P<release>[A-Z][a-z]+ \d{4}) SEC Release")
_WITH_DCC = re.compile(r"\bwith the DCC for (?P<kind>Preliminary|Impact) Assessment")
_DCC_DOING = re.compile(
    r"\bThe DCC is currently (?:carrying out|reviewing|completing) (?:an|the) "
    r"(?:(?P<kind>Preliminary|Impact) Assessment)"
)
_DCC_RETURNS = re.compile(
    r"\bDCC['’]s (?:updated |revised )?(?P<kind>Preliminary|Impact) Assessment is expected"
)
_SUBMITTED = re.compile(r"\bsubmitted for (?:an? )?(?P<kind>Preliminary|Impact) Assessment")
_CUT_OFF = re.compile(
    r"\bmiss(?:es)? the cut-off for inclusion in the (?P<release>[A-Z][a-z]+ \d{4}) SEC"
)
_KINDS = {"preliminary": "preliminary_assessment", "impact": "impact_assessment"}


@dataclass
class PaperFacts:
    outcomes: list[Outcome]
    sec_versions: list[SecVersion]
    consultations: list[Consultation]
    candidates: list[Release]
    waits: list[Decision]


def read_facts(layout: Layout, blocks: Sequence[Block], anchor: date | None) -> PaperFacts:
    """Every such fact in the paper; ``anchor`` reads dates without a year."""
    today = anchor or date.today()
    whole = layout.whole
    sentences = [whole.text[s:e] for s, e in whole.sentences()]
    starts = [s for s, _ in whole.sentences()]
    reader = _Reader(layout, whole, sentences, starts, today)
    return PaperFacts(
        outcomes=list(reader.outcomes()),
        sec_versions=list(reader.versions()),
        consultations=list(reader.consultations()),
        candidates=list(reader.candidates()),
        waits=[w for block in blocks for w in _waits(layout, block, today)],
    )


@dataclass
class _Reader:
    layout: Layout
    whole: CleanText
    sentences: list[str]
    starts: list[int]
    today: date

    def pos(self, index: int) -> SourcePos:
        return self.layout.pos(self.whole.offset(self.starts[index]))

    def refs(self, index: int) -> list[str]:
        return list(dict.fromkeys(f.ref.canonical for f in find_refs(self.sentences[index])))

    def last_ref_before(self, index: int) -> str | None:
        for back in range(index, max(index - 4, -1), -1):
            found = self.refs(back)
            if found:
                return found[-1]
        return None

    def subject(self, index: int) -> str | None:
        """The modification a sentence is about: the one it names, else the last one before."""
        named = self.refs(index)
        return named[0] if named else self.last_ref_before(index - 1)

    def day_after(self, sentence: str, at: int) -> date | None:
        found = find_vague_dates(sentence[at : at + 40], today=self.today)
        if found and found[0][1] == 0 and found[0][0].precision is Precision.DAY:
            return found[0][0].start
        return None

    def versions(self) -> Iterator[SecVersion]:
        for i, sentence in enumerate(self.sentences):
            for match in _VERSION.finditer(sentence):
                effective = self.day_after(sentence, match.end())
                refs = self.refs(i) or (self.refs(i + 1) if i + 1 < len(self.sentences) else [])
                number = match.group("number")
                yield SecVersion(
                    number, effective, tuple(refs), f"SEC Version {number}", self.pos(i)
                )

    def outcomes(self) -> Iterator[Outcome]:
        for i, sentence in enumerate(self.sentences):
            yield from self._approved_by(i, sentence)
            yield from self._approval_at(i, sentence)
            yield from self._withdrawn(i, sentence)
            yield from self._voted(i, sentence)

    def _approved_by(self, i: int, sentence: str) -> Iterator[Outcome]:
        for match in _APPROVED_BY.finditer(sentence):
            on = re.search(r"\bon ", sentence[match.end() :])
            day = self.day_after(sentence, match.end() + on.end()) if on else None
            ref = self.subject(i)
            if ref is not None and day is not None:
                yield Outcome(
                    ref,
                    _body(match.group("body")),
                    match.group("result"),
                    day,
                    _said(sentence),
                    self.pos(i),
                )

    def _approval_at(self, i: int, sentence: str) -> Iterator[Outcome]:
        for match in _APPROVAL_AT.finditer(sentence):
            result = "approved" if match.group("result") == "approval" else "rejected"
            for ref in [f.ref.canonical for f in find_refs(sentence[match.end() :])][:1]:
                yield Outcome(
                    ref, _body(match.group("body")), result, None, _said(sentence), self.pos(i)
                )

    def _withdrawn(self, i: int, sentence: str) -> Iterator[Outcome]:
        for match in _WITHDRAWN.finditer(sentence):
            day = self.day_after(sentence, match.end())
            ref = self.subject(i)
            if ref is not None and day is not None:
                yield Outcome(ref, "Proposer", "withdrawn", day, _said(sentence), self.pos(i))

    def _voted(self, i: int, sentence: str) -> Iterator[Outcome]:
        lead = re.match(r"\s*On ", sentence)
        for match in _VOTED.finditer(sentence):
            day = self.day_after(sentence, lead.end()) if lead else None
            ref = self.subject(i)
            result = "approved" if match.group("result") == "approve" else "rejected"
            if ref is not None and day is not None:
                yield Outcome(
                    ref, _body(match.group("body")), result, day, _said(sentence), self.pos(i)
                )

    def consultations(self) -> Iterator[Consultation]:
        for i, sentence in enumerate(self.sentences):
            for match in _ISSUED.finditer(sentence):
                refs = self.refs(i)
                following = " ".join(self.sentences[i : i + 3])
                respond = _RESPOND.search(following)
                closes = self._date_in(respond.group("when")) if respond else None
                if refs and closes is not None:
                    lead = re.search(r"\bOn ", sentence[: match.start()])
                    opens = self.day_after(sentence, lead.end()) if lead else None
                    title = f"{refs[0]} {match.group('what').title().replace('Of', 'of')}"
                    yield Consultation(
                        title,
                        closes,
                        self.pos(i),
                        ref=refs[0],
                        opens=opens,
                        respond_to=respond.group("to") if respond else None,
                        how="by email" if respond else None,
                    )
            for match in _CLOSED.finditer(sentence):
                closes = self.day_after(sentence, match.end())
                ref = self.last_ref_before(i)
                if ref is not None and closes is not None:
                    yield Consultation(
                        f"{ref} {match.group('what').lower()}", closes, self.pos(i), ref=ref
                    )

    def _date_in(self, text: str) -> date | None:
        found = find_vague_dates(text, today=self.today)
        return found[0][0].start if found and found[0][0].precision is Precision.DAY else None

    def candidates(self) -> Iterator[Release]:
        for i, sentence in enumerate(self.sentences):
            for pattern in (_CANDIDATE, _CUT_OFF):
                for match in pattern.finditer(sentence):
                    yield from self._candidate(i, sentence, match)

    def _candidate(self, i: int, sentence: str, match: re.Match[str]) -> Iterator[Release]:
        month = parse_release_month(match.group("release"))
        refs = [f.ref.canonical for f in find_refs(sentence[: match.start()])][-1:]
        if month is None or not refs:
            return
        after = " ".join(self.sentences[i : i + 2]).lower()
        at_risk = "risk" in after or match.re is _CUT_OFF
        note = "At risk of missing the cut-off" if at_risk else "A candidate"
        yield Release(
            month.title,
            None,
            self.pos(i),
            candidates=tuple(refs),
            notes=(PartialScope(refs[0], note),),
        )


def _waits(layout: Layout, block: Block, today: date) -> Iterator[Decision]:
    """Work the DCC owes on a block's modification, with the date it is expected by."""
    text = block.body.text
    for pattern in (_WITH_DCC, _DCC_DOING, _DCC_RETURNS, _SUBMITTED):
        for match in pattern.finditer(text):
            kind = _KINDS[match.group("kind").lower()]
            due = _due_after(text[match.end() : match.end() + 300], today)
            what = f"its {match.group('kind').title()} Assessment"
            pos = layout.pos(block.body.offset(match.start()))
            yield Decision(block.ref.ref.canonical, Owner.DCC, what, pos, kind=kind, due=due)
            return


def _due_after(text: str, today: date) -> VagueDate | None:
    """The first date a "by ..." names before the paragraph moves on to another step."""
    end = text.find("Working Group")
    for value, start, _ in find_vague_dates(text[: end if end > 0 else None], today=today):
        if re.search(r"\b(?:by|returned on|on)\s*$", text[max(start - 14, 0) : start]):
            return value
    return None


def _body(name: str) -> str:
    key = re.sub(r"^(the )?(sec )?", "", name.lower())
    return _BODIES.get(key, key.upper() if key == "csc" else key.title())


def _said(sentence: str) -> str:
    return " ".join(sentence.split())[:300]
