"""SEC Releases: sections headed "<Month> <Year> SEC Release", their scope and dates.

A release section's rows are its scope. Sentences change it ("MP128B ... should be added to the
scope of this release", "MP154 ... should be removed from the scope of the February 2022 SEC
Release"); a row can be split between releases ("(DUIS and MMC changes only)", or "... will be
implemented in the June 2022 SEC Release"). Outside release sections, papers name candidate
releases ("SECMP0053 is a candidate for the November 2019 SEC Release").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sec.references import find_refs
from sec.vague_dates import Precision, find_vague_dates
from storage.ingest.changeset import PartialScope, Release, ReleaseNote
from storage.ingest.extract_layout import CleanText, Layout, Spans
from storage.ingest.extract_narrative import shorten
from storage.ingest.extract_tables import Block, only_note

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_NAME = rf"(?P<month>{_MONTHS})\s+(?P<year>20\d\d)\s+(?:(?P<adhoc>Ad[- ]?hoc)\s+)?SEC\s+Rel\w*ease"
_NAME_RE = re.compile(_NAME, re.IGNORECASE)
_HEADING = re.compile(rf"^[ \t]*(?:#+[ \t]*)?(?:\d+(?:\.\d+)*\.?[ \t]+)?{_NAME}[ \t]*$", re.M)
_GO_LIVE_LEAD = re.compile(
    r"(?:SEC\s+Release|go(?:es)?[- ]live|went live|live|implemented|scheduled)"
    r"(?:\s+date)?\s+(?:on|for|of|is)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_SCOPE_CHANGE = re.compile(
    r"\b(?:should|will|to|has|have|had|is|are|was|were)\s+(?:now\s+)?(?:be\s+|been\s+|being\s+)?"
    r"(?P<verb>added to|removed from|descoped from|de-scoped from)\s+the\s+scope"
    rf"(?:\s+of\s+(?:this release|the\s+(?P<named>{_NAME})))?",
    re.IGNORECASE,
)
_IMPLEMENTED_IN = re.compile(
    rf"(?:^|(?<=[.;] ))(?P<what>[^.;]{{3,160}}?)\s+will be implemented in the\s+(?P<rel>{_NAME})",
    re.IGNORECASE,
)
_CANDIDATE = re.compile(
    rf"\b(?:candidate for|(?:for|targeted (?:at|for)) inclusion in|targeted (?:at|for))"
    rf"\s+(?:inclusion in\s+)?the\s+(?P<rel>{_NAME})",
    re.IGNORECASE,
)


def release_name(text: str) -> str | None:
    """The canonical name of a release named in text: "February 2022 SEC Release"."""
    match = _NAME_RE.search(text)
    if match is None:
        return None
    adhoc = " Ad hoc" if match.group("adhoc") else ""
    return f"{match.group('month').capitalize()} {match.group('year')}{adhoc} SEC Release"


@dataclass
class ReleaseSection:
    name: str
    start: int  # the heading
    end: int
    scope: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    partial: list[PartialScope] = field(default_factory=list)
    notes: list[ReleaseNote] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    go_live: date | None = None


def release_sections(layout: Layout) -> list[ReleaseSection]:
    """Release sections, each running to the next heading."""
    sections = []
    heading_starts = [line.start for line in layout.headings]
    matches = list(_HEADING.finditer(layout.text))
    for i, match in enumerate(matches):
        name = release_name(match.group(0))
        if name is None:
            continue
        ends = [s for s in heading_starts if s > match.start()]
        ends += [m.start() for m in matches[i + 1 : i + 2]]
        sections.append(ReleaseSection(name, match.start(), min(ends, default=len(layout.text))))
    return sections


def read_releases(
    layout: Layout, sections: list[ReleaseSection], blocks: Sequence[Block], today: date | None
) -> list[Release]:
    """Releases with their scope, changes to scope, split rows, dates and candidates."""
    by_name = {section.name: section for section in sections}
    for section in sections:
        inside = [
            b for b in blocks if section.start <= b.start < section.end and b.kind != "section"
        ]
        section.scope = _unique(b.ref.ref.canonical for b in inside)
        section.partial = [p for b in inside if (p := _partial(layout, b, section.name))]
        section.go_live = _go_live(layout, section, inside, today)
        section.notes = _baselining(_outside_rows(layout, section, inside), today)
    _scope_changes(layout, sections, by_name)
    _candidates(layout, blocks, sections, by_name)
    return [_release(layout, section) for section in by_name.values()]


def _release(layout: Layout, section: ReleaseSection) -> Release:
    removed = set(section.removed)
    scope = _unique([*(r for r in section.scope if r not in removed), *section.added])
    return Release(
        name=section.name,
        date=section.go_live,
        source=layout.pos(section.start),
        in_scope=tuple(scope),
        removed=tuple(section.removed),
        added=tuple(section.added),
        partial=tuple(p for p in section.partial if p.ref in scope),
        baselining=tuple(section.notes),
        candidates=tuple(r for r in section.candidates if r not in scope),
    )


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _partial(layout: Layout, block: Block, name: str) -> PartialScope | None:
    note = only_note(layout.text[block.start : block.end])
    if note:
        return PartialScope(block.ref.ref.canonical, note)
    parts = list(_IMPLEMENTED_IN.finditer(block.status or ""))
    if not any(release_name(m.group("rel")) != name for m in parts):
        return None
    own = [m for m in parts if release_name(m.group("rel")) == name]
    what = own[0].group("what").strip() if own else "part of the change"
    return PartialScope(block.ref.ref.canonical, what)


def _go_live(
    layout: Layout, section: ReleaseSection, inside: Sequence[Block], today: date | None
) -> date | None:
    """The go-live day the section's introduction gives ("... SEC Release on 4 November 2021")."""
    intro_end = min((b.start for b in inside), default=section.end)
    intro = layout.clean(section.start, intro_end).text
    year, month = _name_month(section.name)
    fallback = None
    for value, a, _ in find_vague_dates(intro, today=today or date(2000, 1, 1)):
        if value.precision is not Precision.DAY:
            continue
        if _GO_LIVE_LEAD.search(intro[max(a - 40, 0) : a]):
            return value.start
        if fallback is None and (value.year, value.month) == (year, month):
            fallback = value.start
    return fallback


def _name_month(name: str) -> tuple[int, int]:
    match = _NAME_RE.search(name)
    assert match is not None
    months = _MONTHS.split("|")
    return int(match.group("year")), months.index(match.group("month").capitalize()) + 1


def _outside_rows(layout: Layout, section: ReleaseSection, rows: Sequence[Block]) -> CleanText:
    tokens = layout.tokens(section.start, section.end, junk=False)
    spans = Spans((b.start, b.end, b) for b in rows)
    return CleanText(t for t in tokens if t.start not in spans)


def _baselining(clean: CleanText, today: date | None) -> list[ReleaseNote]:
    notes = []
    for start, end in clean.sentences():
        sentence = clean.text[start:end]
        if not re.search(r"baselin", sentence, re.IGNORECASE):
            continue
        dates = find_vague_dates(sentence, today=today or date(2000, 1, 1))
        notes.append(ReleaseNote(dates[0][0] if dates else None, shorten(sentence, 200)))
    return notes


def _scope_changes(
    layout: Layout, sections: list[ReleaseSection], by_name: dict[str, ReleaseSection]
) -> None:
    """Apply "... should be added to / removed from the scope of ..." sentences."""
    clean = layout.whole
    for start, end in clean.sentences():
        sentence = clean.text[start:end]
        for match in _SCOPE_CHANGE.finditer(sentence):
            refs = [f.ref.canonical for f in find_refs(sentence[: match.start()])]
            section = _target(match.group("named"), clean.offset(start), sections, by_name, layout)
            if not refs or section is None:
                continue
            verb = match.group("verb").lower()
            target = section.added if verb.startswith("added") else section.removed
            target.extend(r for r in refs if r not in target)


def _target(
    named: str | None,
    offset: int,
    sections: list[ReleaseSection],
    by_name: dict[str, ReleaseSection],
    layout: Layout,
) -> ReleaseSection | None:
    if named:
        name = release_name(named)
        assert name is not None
        if name not in by_name:
            by_name[name] = ReleaseSection(name, offset, offset)
        return by_name[name]
    return next((s for s in sections if s.start <= offset < s.end), None)


def _candidates(
    layout: Layout,
    blocks: Sequence[Block],
    sections: list[ReleaseSection],
    by_name: dict[str, ReleaseSection],
) -> None:
    """Modifications named as aiming at a release, outside that release's own section."""
    clean = layout.whole
    in_sections = Spans((s.start, s.end, s) for s in sections)
    owners = Spans((b.start, b.end, b) for b in blocks)
    for start, end in clean.sentences():
        sentence = clean.text[start:end]
        offset = clean.offset(start)
        if offset in in_sections:
            continue
        for match in _CANDIDATE.finditer(sentence):
            name = release_name(match.group("rel"))
            assert name is not None
            owner = owners.find(offset)
            refs = [owner.ref.ref.canonical] if owner else []
            refs = refs or [f.ref.canonical for f in find_refs(sentence)]
            section = by_name.setdefault(name, ReleaseSection(name, offset, offset))
            section.candidates.extend(r for r in refs if r not in section.candidates)
