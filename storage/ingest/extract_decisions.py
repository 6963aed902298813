"""Pending decisions: who must act before a modification can move on, in a few words.

Papers say it in a handful of ways: SECAS "awaiting the Proposer's decision" (OCR: "Proper's"),
SECAS going to "seek their agreement on which option" after a review with the Proposer, a
modification on hold "until the Proposer determines whether" another delivers, and a paper's
recommendations ("The Panel are requested to: AGREE …" followed by a reference).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from sec.lifecycle import Owner
from sec.references import find_refs
from storage.ingest.changeset import Decision
from storage.ingest.extract_layout import CleanText, Layout, Spans
from storage.ingest.extract_narrative import canonical_refs
from storage.ingest.extract_tables import Block

_OWN = r"Pro(?:pos|p)?er|DCC|Panel|CSC|Change Sub-Committee|Authority|Ofgem|SECAS"  # "Proper": OCR
_CLAUSE = r"(?P<what>[^.;,]{3,140}?)(?=\s+(?:before|so that|in order|once)\b|[.;,]|$)"
_NOUN = r"(?P<noun>decision|agreement|confirmation|response|views?)"
_PATTERNS = [
    re.compile(
        rf"\b(?:awaiting|pending|subject to) (?:the )?(?P<owner>{_OWN})(?:['’]+s)? {_NOUN} "
        rf"(?:on|about|as to|regarding|of) {_CLAUSE}"
    ),
    re.compile(
        rf"\bseek (?:(?P<pronoun>their|its)|the (?P<owner>{_OWN})['’]+s) {_NOUN} "
        rf"(?:on|about|as to) {_CLAUSE}"
    ),
    re.compile(
        rf"\buntil (?:the )?(?P<owner>{_OWN}) "
        rf"(?P<verb>determines|decides|confirms|agrees|chooses) {_CLAUSE}"
    ),
    re.compile(rf"\bwaiting (?:for|on) (?:the )?(?P<owner>{_OWN}) to {_CLAUSE}"),
]
_ASKED = re.compile(rf"\bThe (?P<owner>{_OWN}) (?:is|are) (?:requested|invited|asked) to:?")
_ITEM = re.compile(r"\b(?P<verb>AGREE|APPROVE|DECIDE)\b(?P<rest>[^;.]{3,200})")
_OWN_RE = re.compile(rf"\b(?:the )?(?P<owner>{_OWN})\b")
_VERB_OF_NOUN = {
    "decision": "decide",
    "agreement": "agree",
    "confirmation": "confirm",
    "response": "respond on",
    "view": "give views on",
    "views": "give views on",
}
_OWNERS = {
    "proposer": Owner.PROPOSER,
    "proper": Owner.PROPOSER,
    "dcc": Owner.DCC,
    "panel": Owner.PANEL,
    "csc": Owner.CSC,
    "change sub-committee": Owner.CSC,
    "authority": Owner.AUTHORITY,
    "ofgem": Owner.AUTHORITY,
    "secas": Owner.SECAS,
}


def read_decisions(layout: Layout, blocks: Sequence[Block]) -> list[Decision]:
    """Open decisions in blocks (owned by the block's reference) and in the prose around them."""
    found: dict[tuple[str, Owner, str], Decision] = {}
    for block in blocks:
        for decision in _in_text(layout, block.body, [block.ref.ref.canonical]):
            found.setdefault((decision.ref, decision.owner, decision.text), decision)
    outside = _outside(layout.whole, blocks)
    for decision in [*_in_text(layout, outside, None), *_recommendations(layout)]:
        found.setdefault((decision.ref, decision.owner, decision.text), decision)
    return list(found.values())


def _outside(whole: CleanText, blocks: Sequence[Block]) -> CleanText:
    spans = Spans((b.start, b.end, b) for b in blocks)
    return CleanText(t for t in whole.tokens if t.start not in spans)


def _in_text(layout: Layout, clean: CleanText, refs: list[str] | None) -> Iterator[Decision]:
    for start, end in clean.sentences():
        sentence = clean.text[start:end]
        for pattern in _PATTERNS:
            for match in pattern.finditer(sentence):
                owner = _owner(match, sentence)
                targets = refs or _refs_near(sentence, match)
                if owner is None:
                    continue
                text = _wording(match)
                pos = layout.pos(clean.offset(start + match.start()))
                yield from (Decision(ref, owner, text, pos) for ref in targets)


def _owner(match: re.Match[str], sentence: str) -> Owner | None:
    name = match.groupdict().get("owner")
    if name is None:  # "seek their agreement": the party named last before it
        named = list(_OWN_RE.finditer(sentence[: match.start()]))
        if not named:
            return None
        name = named[-1].group("owner")
    return _OWNERS.get(name.lower())


def _refs_near(sentence: str, match: re.Match[str]) -> list[str]:
    before = [f.ref.canonical for f in find_refs(sentence[: match.start()])]
    return before or [f.ref.canonical for f in find_refs(match.group("what"))]


def _wording(match: re.Match[str]) -> str:
    """The decision in a few words: "decide which solution to progress with"."""
    groups = match.groupdict()
    if groups.get("verb"):
        verb = groups["verb"][:-1]  # determines -> determine
    elif groups.get("noun"):
        verb = _VERB_OF_NOUN[groups["noun"].lower()]
    else:
        verb = ""
    return canonical_refs(f"{verb} {match.group('what').strip()}".strip())


def _recommendations(layout: Layout) -> Iterator[Decision]:
    """'The Panel are requested to: AGREE ... SECMP0062' is a decision the Panel owes."""
    whole = layout.whole
    for asked in _ASKED.finditer(whole.text):
        owner = _OWNERS.get(asked.group("owner").lower())
        region = whole.text[asked.end() : asked.end() + 800]
        for item in _ITEM.finditer(region):
            rest = re.sub(r"\s+and$", "", item.group("rest").strip())
            refs = list(dict.fromkeys(f.ref.canonical for f in find_refs(rest)))
            if owner is None or not refs:
                continue
            text = canonical_refs(f"{item.group('verb').lower()} {rest}")
            pos = layout.pos(whole.offset(asked.end() + item.start()))
            yield from (Decision(ref, owner, text, pos) for ref in refs)
