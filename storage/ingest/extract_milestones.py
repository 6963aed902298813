"""Dated milestones of a modification, from the sentences of its row or section.

Each date phrase (found by ``sec.vague_dates``, which keeps "early April" as early April) is
classified by the words around it: a body named right after the date ("the June 2019 Working
Group meeting"), else the keyword nearest before it in the same sentence ("return to the Panel at
the May 2019 meeting"). Dates of releases ("the November 2019 SEC Release"), of baselining, of
spans ("across March and April") and of alternatives ("... in April 2019 instead") are not
milestones.
"""

from __future__ import annotations

import re
from datetime import date

from sec.lifecycle import MilestoneKind as K
from sec.vague_dates import VagueDate, find_vague_dates
from storage.ingest.changeset import Milestone
from storage.ingest.extract_layout import Layout
from storage.ingest.extract_narrative import shorten
from storage.ingest.extract_tables import Block

_I = re.IGNORECASE
_SKIP_SENTENCE = re.compile(r"\binstead\b|\bbaselin|\bre-baselin", _I)
_SPAN_BEFORE = re.compile(r"\b(?:across|between)\b[^.]{0,25}$", _I)
_RELEASE_AFTER = re.compile(r"\s*SEC\s+Rel", _I)
_BODY_AFTER = [
    (re.compile(r"\s*(?:Working Group|WG)\b", _I), K.WORKING_GROUP),
    (re.compile(r"\s*(?:SEC )?Panel\b", _I), K.PANEL_RETURN),
    (re.compile(r"\s*Change Board\b", _I), K.CHANGE_BOARD_VOTE),
]
# Tried against the words before the date; the match ending nearest the date wins, and on a tie
# the earlier entry (so "request the Preliminary Assessment" is a request, not a response).
_KEYWORDS: list[tuple[re.Pattern[str], K]] = [
    (re.compile(r"(?:request\w*|submit\w*)\b[^.]{0,30}?Preliminary Assessment", _I), K.PA_REQUEST),
    (re.compile(r"Preliminary Assessment request", _I), K.PA_REQUEST),
    (re.compile(r"Working Group", _I), K.WORKING_GROUP),
    (re.compile(r"\bPanel\b"), K.PANEL_RETURN),
    (re.compile(r"Modification Report(?! Consultation)", _I), K.MODIFICATION_REPORT),
    (re.compile(r"Change Board\b"), K.CHANGE_BOARD_VOTE),
    (re.compile(r"\bAuthority\b|\bOfgem\b"), K.AUTHORITY_DECISION),
    (
        re.compile(r"\bTABASC\b|\bSSC\b|Sub-\s?Committee|Operations Group|\bCSC\b"),
        K.SUB_COMMITTEE,
    ),
    (
        re.compile(
            r"consultation\b[^.]{0,60}?\b(?:closed|closes|close)\b"
            r"|\bresponses (?:are |were )?(?:requested|due)\b",
            _I,
        ),
        K.CONSULTATION_CLOSE,
    ),
    (
        re.compile(
            r"\b(?:issu\w*|launch\w*|open\w*)\b[^.]{0,40}?\bconsultation\b"
            r"|\bconsultation\b[^.]{0,60}?\b(?:issued|launched|opens)\b",
            _I,
        ),
        K.CONSULTATION_ISSUE,
    ),
    (re.compile(r"Preliminary Assessment", _I), K.DCC_PRELIMINARY_ASSESSMENT),
    (re.compile(r"Impact Assessment", _I), K.DCC_IMPACT_ASSESSMENT),
]
_RESPONSE = re.compile(r"\bresponses?\b", _I)
_PANEL_RETURN = re.compile(
    r"\b(?:return|report back) to the Panel|\b(?:update|provide) the Panel", _I
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def block_milestones(layout: Layout, block: Block, today: date | None) -> list[Milestone]:
    """Milestones stated in a block's text, in order, without repeats."""
    body = block.body
    has_pa = "Preliminary Assessment" in body.text
    found: dict[tuple[K, str, str], Milestone] = {}
    for start, end in body.sentences():
        sentence = body.text[start:end]
        if _SKIP_SENTENCE.search(sentence):
            continue
        for value, a, b in _dates(sentence, today):
            kind = classify(sentence, a, b, has_pa=has_pa)
            if kind is None:
                continue
            key = (kind, value.iso(), value.precision.value)
            found.setdefault(
                key,
                Milestone(
                    ref=block.ref.ref.canonical,
                    kind=kind,
                    date=value,
                    text=shorten(sentence, 200),
                    source=layout.pos(body.offset(start + a)),
                ),
            )
    return list(found.values())


def _dates(sentence: str, today: date | None) -> list[tuple[VagueDate, int, int]]:
    if today is None:  # nothing to anchor a year to: keep only dates that carry one
        found = find_vague_dates(sentence, today=date(2000, 1, 1))
        return [item for item in found if _YEAR.search(sentence[item[1] : item[2]])]
    return find_vague_dates(sentence, today=today)


def classify(sentence: str, start: int, end: int, *, has_pa: bool = True) -> K | None:
    """The kind of milestone the date at sentence[start:end] is, or None if it is not one."""
    before, after = sentence[:start], sentence[end : end + 40]
    if _RELEASE_AFTER.match(after) or _SPAN_BEFORE.search(before):
        return None
    for pattern, body in _BODY_AFTER:
        if pattern.match(after):
            return body
    kind = _nearest_keyword(before, has_pa)
    # "return to the Panel with the Modification Report" is a Panel return; "the Modification
    # Report ... presented to the CSC" is the report's own date.
    returning = bool(_PANEL_RETURN.search(before))
    if kind is K.MODIFICATION_REPORT and returning:
        return K.PANEL_RETURN
    if kind in (K.PANEL_RETURN, K.SUB_COMMITTEE) and "Modification Report" in before:
        return K.PANEL_RETURN if returning else K.MODIFICATION_REPORT
    return kind


def _nearest_keyword(before: str, has_pa: bool) -> K | None:
    best: tuple[int, int, K] | None = None
    for order, (pattern, kind) in enumerate(_KEYWORDS):
        for match in pattern.finditer(before):
            candidate = (match.end(), -order, kind)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    if has_pa:
        for match in _RESPONSE.finditer(before):
            if best is None or match.end() > best[0]:
                best = (match.end(), 0, K.DCC_PRELIMINARY_ASSESSMENT)
    if best is None:
        return None
    if best[2] is K.SUB_COMMITTEE and _working_group_beside(before, best[0]):
        return K.WORKING_GROUP  # "the joint Working Group and SSC meeting on ..."
    return best[2]


def _working_group_beside(before: str, end: int) -> bool:
    window = before[max(end - 40, 0) : end]
    return "Working Group" in window
