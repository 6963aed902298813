"""From a SourceText to a ChangeSet: the orchestration of the extractors.

The document's own date (the dated line by the signature) is the as-of date of every fact in
it, and the "today" against which dates without a year are read ("by early May").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sec.lifecycle import Stage
from sec.references import FoundRef, find_refs, parse_ref, unique_refs
from sec.releases import parse_release_month
from sec.vague_dates import Precision, parse_vague_date
from storage.ingest.changeset import ChangeSet, Document, Modification, SourcePos
from storage.ingest.extract_decisions import read_decisions
from storage.ingest.extract_facts import PaperFacts, read_facts
from storage.ingest.extract_layout import Layout
from storage.ingest.extract_milestones import block_milestones
from storage.ingest.extract_narrative import (
    infer_stage,
    prose_stage,
    refinement_paper,
    section_status,
)
from storage.ingest.extract_releases import read_releases, release_sections
from storage.ingest.extract_tables import Block, find_blocks
from storage.ingest.extract_titles import TitleMatch, title_mentions
from storage.ingest.readers import SourceText, read_document

_DATE_LINE = re.compile(
    r"^\s*(?:Date[d]?:?\s*)?(?:[A-Z][a-z]+day,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+,?\s+"
    r"(?:19|20)\d\d\s*$"
)
_SIGNATURE_LINES = 25
_BLOCK_PRIORITY = {"column": 1, "row": 2, "section": 2}
_FINAL_STAGES = {Stage.ON_HOLD, Stage.WITHDRAWN, Stage.REJECTED}


def extract_path(path: Path, *, today: date | None = None) -> ChangeSet:
    """Read a file and extract its change set (raises UnreadableDocument for a bad file)."""
    return extract(read_document(Path(path)), today=today)


def extract(source: SourceText, *, today: date | None = None) -> ChangeSet:
    """The facts a document states. ``today`` anchors yearless dates if the paper has no date."""
    layout = Layout(source)
    doc_date, date_offset = document_date(layout)
    anchor = doc_date or today
    sections = release_sections(layout)
    blocks = find_blocks(layout, [(s.start, s.end) for s in sections])
    names = {ref.key: ref.canonical for ref in unique_refs(layout.text)}
    changes = ChangeSet(
        documents=[
            Document(
                path=str(source.path),
                date=doc_date,
                title=document_title(layout),
                source=layout.pos(date_offset),
            )
        ],
        modifications=_modifications(layout, blocks, names, doc_date),
        releases=read_releases(layout, sections, blocks, anchor),
        milestones=[m for block in blocks for m in block_milestones(layout, block, anchor)],
        decisions=read_decisions(layout, blocks),
    )
    _add_facts(changes, read_facts(layout, blocks, anchor))
    return _with_canonical_refs(changes, names)


def _add_facts(changes: ChangeSet, facts: PaperFacts) -> None:
    """Decisions taken, SEC versions, consultations, candidates and waits for the DCC's work."""
    changes.outcomes.extend(facts.outcomes)
    changes.sec_versions.extend(facts.sec_versions)
    changes.consultations.extend(facts.consultations)
    changes.decisions.extend(facts.waits)
    for named in facts.candidates:
        key = parse_release_month(named.name)
        same = [r for r in changes.releases if key and parse_release_month(r.name) == key]
        if not same:
            changes.releases.append(named)
            continue
        index = changes.releases.index(same[0])
        release = changes.releases[index]
        fresh = tuple(ref for ref in named.candidates if ref not in release.in_scope)
        changes.releases[index] = replace(
            release,
            candidates=tuple(dict.fromkeys((*release.candidates, *fresh))),
            notes=(*release.notes, *(n for n in named.notes if n.ref in fresh)),
        )


# --------------------------------------------------------------------------------------------
# The document.


def document_date(layout: Layout) -> tuple[date | None, int]:
    """The last date standing alone on a line near the end (by the signature), and its offset."""
    lines = [line for line in layout.lines if line.text.strip() and not line.noise]
    for line in reversed(lines[-_SIGNATURE_LINES:]):
        if _DATE_LINE.match(line.text):
            value = parse_vague_date(line.text.strip(), today=date(2000, 1, 1))
            if value is not None and value.precision is Precision.DAY:
                return value.start, line.start
    return None, 0


def document_title(layout: Layout) -> str:
    """The first title-like line of the paper, else the title the file carries, else its name."""
    for line in [line for line in layout.lines if not line.noise][:25]:
        text = line.text.strip().strip("#*").strip()
        words = text.split()
        if (
            2 <= len(words) <= 12
            and len(text) <= 80
            and text[0].isupper()
            and ":" not in text
            and not text.endswith((".", ","))
            and not re.match(r"\d", text)
            and next(find_refs(text), None) is None
        ):
            return text
    return layout.source.title or layout.source.path.stem


# --------------------------------------------------------------------------------------------
# Modifications.


@dataclass
class _Facts:
    """What the document says about one modification, gathered before choosing."""

    mentions: list[FoundRef] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    titles: list[tuple[int, bool, int, str]] = field(default_factory=list)


def _modifications(
    layout: Layout, blocks: Sequence[Block], names: dict[tuple[int, str], str], as_of: date | None
) -> list[Modification]:
    facts: dict[tuple[int, str], _Facts] = {key: _Facts() for key in names}
    for found in layout.refs:
        facts[found.ref.key].mentions.append(found)
    for order, block in enumerate(blocks):
        entry = facts[block.ref.ref.key]
        entry.blocks.append(block)
        if block.title is not None:
            _add_title(entry, _BLOCK_PRIORITY[block.kind], block.title, order)
    for index, title, priority in title_mentions(layout):
        _add_title(facts[layout.refs[index].ref.key], priority, title, len(blocks) + index)
    refinement = refinement_paper(layout)
    return [
        _modification(layout, names[key], entry, as_of, refinement) for key, entry in facts.items()
    ]


def _add_title(entry: _Facts, priority: int, title: TitleMatch, order: int) -> None:
    if title.text:
        entry.titles.append((priority, not title.slugged, order, title.text))


def _modification(
    layout: Layout, ref: str, entry: _Facts, as_of: date | None, refinement: bool
) -> Modification:
    status, stage = _status_and_stage(layout, entry, refinement)
    if ref.startswith("DP") and stage not in _FINAL_STAGES:
        stage = Stage.DRAFT  # still written DPnnn: a Draft Proposal
    where = entry.blocks[0].ref.start if entry.blocks else entry.mentions[0].start
    return Modification(
        ref=ref,
        title=min(entry.titles)[3] if entry.titles else "",
        stage=stage,
        status=status,
        as_of=as_of,
        source=layout.pos(where) if entry.mentions else SourcePos(1, 1),
    )


def _status_and_stage(
    layout: Layout, entry: _Facts, refinement: bool
) -> tuple[str | None, Stage | None]:
    ordered = sorted(entry.blocks, key=lambda b: _BLOCK_PRIORITY[b.kind])
    for block in ordered:
        status = block.status if block.kind != "section" else section_status(block.body)
        stage = infer_stage(block.status or "") if block.kind != "section" else None
        stage = stage or infer_stage(block.body.text)
        if block.kind == "section" and stage is None and refinement:
            stage = Stage.REFINEMENT
        if stage is not None or status is not None:
            return status, stage
    return None, prose_stage(layout, entry.mentions)


# --------------------------------------------------------------------------------------------
# One spelling per modification.


def _with_canonical_refs(changes: ChangeSet, names: dict[tuple[int, str], str]) -> ChangeSet:
    """Milestones and decisions use the document's spelling of each reference (DP173, not MP173)."""

    def name(ref: str) -> str:
        parsed = parse_ref(ref)
        return names.get(parsed.key, ref) if parsed else ref

    changes.milestones = [replace(m, ref=name(m.ref)) for m in changes.milestones]
    changes.decisions = [replace(d, ref=name(d.ref)) for d in changes.decisions]
    changes.outcomes = [replace(o, ref=name(o.ref)) for o in changes.outcomes]
    return changes
