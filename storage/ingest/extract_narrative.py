"""Stage and status of a modification, read from its table row, its section, or the prose about it.

A table's status column is explicit; a narrative section describes the state in sentences
("This modification is currently on hold ..."); a passing mention may still say enough
("SEC Version 5.6 came into effect ..., implementing SECMP0016"). Stage phrases are tried in
order of appearance, except that "on hold" outranks everything: a paused proposal mentions the
work it is not doing.
"""

from __future__ import annotations

import re

from sec.lifecycle import Stage
from sec.references import FoundRef, find_refs
from storage.ingest.extract_layout import CleanText, Layout

_ON_HOLD = re.compile(r"\bon hold\b", re.IGNORECASE)
_STAGE_PHRASES: list[tuple[Stage, str]] = [
    (Stage.WITHDRAWN, r"\b(?:has been|have been|was|were) withdrawn\b|^\W*Withdrawn\b"),
    (
        Stage.IMPLEMENTED,
        r"\b(?:has been|have been|was|were) implemented\b|^\W*Implemented\b|\bcame into effect\b"
        r"|\bimplementing\b|\b(?:following|after) the implementation of\b",
    ),
    (
        Stage.APPROVED,
        r"\bApproved for inclusion\b|^\W*Approved\b|\b(?:has been|was) approved\b"
        r"|\bChange Board approval\b",
    ),
    (Stage.REJECTED, r"\b(?:has been|was) rejected\b|^\W*Rejected\b"),
    (Stage.AUTHORITY, r"\b(?:with|awaiting) the Authority(?:['’]s)? (?:for )?decision\b"),
    (Stage.CHANGE_BOARD, r"\bChange Board vote (?:will|is)\b|\bawaiting the Change Board\b"),
    (
        Stage.REPORT,
        r"\bReport Phase\b|\bModification Report (?:is being|has been) (?:presented|issued)\b"
        r"|\bModification Report Consultation (?:was|has been|is) issued\b",
    ),
    (Stage.SUBMITTED, r"\bModification Proposal Submitted\b|\bsubmitted a new Modification\b"),
    (
        Stage.REFINEMENT,
        r"\bRefinement\b|\bPreliminary Assessment\b|\bImpact Assessment\b|\bWorking Group\b"
        r"|\bbusiness requirements\b|\blegal text\b|\bindustry consultation\b"
        r"|\bProposed Solution\b|\bbefore the Modification Report can\b",
    ),
    (Stage.DRAFT, r"\bDraft Proposal\b|\bDevelopment Stage\b"),
]
_STAGE_RES = [(stage, re.compile(pattern, re.IGNORECASE)) for stage, pattern in _STAGE_PHRASES]
_REFINEMENT_PAPER = re.compile(
    r"\b(?:currently|modifications?|proposals?) in the Refinement Process\b", re.IGNORECASE
)
_STATUS_SENTENCE = re.compile(
    r"\b(?:is|are) currently\b|\bon hold\b|\bhas been submitted\b|\bclosed on\b"
    r"|\bis with the\b|\bwill now progress\b",
    re.IGNORECASE,
)
_MAX_STATUS = 240


def infer_stage(text: str) -> Stage | None:
    """The stage a status or narrative text describes, or None when it does not say."""
    if _ON_HOLD.search(text):
        return Stage.ON_HOLD
    found = [
        (m.start(), order, stage)
        for order, (stage, pattern) in enumerate(_STAGE_RES)
        if (m := pattern.search(text))
    ]
    return min(found)[2] if found else None


def refinement_paper(layout: Layout) -> bool:
    """The paper says its modifications are in the Refinement Process (a timetables paper)."""
    return bool(_REFINEMENT_PAPER.search(layout.text))


def section_status(body: CleanText) -> str | None:
    """A narrative section's status: its first sentence that states where things stand."""
    for start, end in body.sentences():
        sentence = body.text[start:end]
        if _STATUS_SENTENCE.search(sentence):
            return shorten(canonical_refs(sentence))
    return None


def prose_stage(layout: Layout, mentions: list[FoundRef]) -> Stage | None:
    """The stage the paragraph around a passing mention gives, first mention first."""
    for found in mentions:
        start, end = _paragraph(layout.text, found.start)
        stage = infer_stage(layout.clean(start, end).text)
        if stage is not None:
            return stage
    return None


def _paragraph(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n\n", 0, offset)
    end = text.find("\n\n", offset)
    return (0 if start < 0 else start + 2), (len(text) if end < 0 else end)


def tidy(text: str) -> str:
    """One line of text: spaces collapsed, words split at a line-end hyphen joined again."""
    return re.sub(r"(\w)- (?=[A-Za-z])", r"\1-", re.sub(r"\s+", " ", text)).strip()


def shorten(text: str, limit: int = _MAX_STATUS) -> str:
    text = tidy(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def canonical_refs(text: str) -> str:
    """Text with every reference in its canonical spelling ("SECMPO0067" -> "SECMP0067")."""
    for found in sorted(find_refs(text), key=lambda f: -f.start):
        text = text[: found.start] + found.ref.canonical + text[found.end :]
    return text
