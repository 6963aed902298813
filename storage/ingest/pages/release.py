"""A release page (/<month>-<year>-sec-release/) -> the release, its go-live and its scope.

The go-live comes from its sentence ("due to go live on 29 November 2020", "went live on 29
November 2019"); the scope from the lines that start with a reference ("MP081 'Alignment of
…' – Approved"), each kept in scope unless the line says it was removed; baselining and date
changes become the release's dated notes. The modification's own page, not this one, says its
stage.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sec.references import parse_ref
from sec.releases import parse_release_month
from sec.vague_dates import Precision, VagueDate
from storage.ingest import changeset as cs
from storage.ingest.pages.dates import find_day
from storage.ingest.pages.reading import PageReading, document_for, slug_of

GO_LIVE = re.compile(
    r"\b(?:(?:is\s+)?due\s+to\s+go[\s-]live|will\s+go[\s-]live|goes\s+live|went\s+live|"
    r"go[\s-]live\s+date\s+(?:is|was|of)|(?:was|were|is)\s+(?:scheduled|planned)\s+for|"
    r"(?:was|were)\s+implemented)\b",
    re.I,
)
LINE_REF = re.compile(r"^(?:[-•*–]\s*)?(?P<ref>(?:MP|DP|SECMP)\s?\d{1,4}[A-Za-z]?)\b", re.I)
STATES = ("implemented", "approved", "targeted", "withdrawn", "removed")
REMOVED = re.compile(r"\b(?:removed|no longer|taken out|withdrawn)\b", re.I)
PARTIAL = re.compile(r"\b(?:partial(?:ly)?|part of)\b", re.I)
DATE_CHANGE = re.compile(
    r"\b(?:moved|postponed|delayed|deferred|brought forward|changed|revised)\b", re.I
)
MAX_SCOPE = 300


def release_name(heading: str, url: str) -> str | None:
    """ "November 2020" from the heading or the slug ("november-2020-sec-release")."""
    for text in (heading, (slug_of(url) or "").replace("-", " ")):
        month = parse_release_month(text) if re.search(r"release", text, re.I) else None
        if month is not None:
            return month.name
    return None


def _go_live(lines: tuple[str, ...]) -> date | None:
    for line in lines:
        match = GO_LIVE.search(line)
        day = find_day(line[match.end() :]) if match else None
        if day is not None:
            return day
    return None


def _state(line: str) -> str:
    lowered = line.lower()
    return next((word for word in STATES if word in lowered), "targeted")


def _scope(lines: tuple[str, ...]) -> tuple[list[str], list[str], list[cs.PartialScope], list[str]]:
    in_scope: dict[str, None] = {}
    removed: dict[str, None] = {}
    partial: list[cs.PartialScope] = []
    states: list[str] = []
    for line in lines:
        match = LINE_REF.match(line)
        ref = parse_ref(match.group("ref").replace(" ", "")) if match else None
        if ref is None or len(in_scope) + len(removed) >= MAX_SCOPE:
            continue
        if REMOVED.search(line):
            removed[ref.canonical] = None
            in_scope.pop(ref.canonical, None)
            continue
        if ref.canonical not in in_scope:
            states.append(f"{ref.canonical} {_state(line)}")
        in_scope[ref.canonical] = None
        if PARTIAL.search(line):
            partial.append(cs.PartialScope(ref.canonical, line[:300]))
    return list(in_scope), list(removed), partial, states


def _notes(lines: tuple[str, ...]) -> list[cs.ReleaseNote]:
    notes = []
    for line in lines:
        if LINE_REF.match(line) or len(line) > 600:
            continue
        if "baselin" in line.lower() or (DATE_CHANGE.search(line) and find_day(line)):
            day = find_day(line)
            when = VagueDate(day, Precision.DAY) if day else None
            notes.append(cs.ReleaseNote(when, line))
    return notes[:20]


def read_release(
    lines: tuple[str, ...], heading: str, *, url: str, fetched_at: datetime
) -> PageReading:
    """The release a page describes; ``changes`` is None when it says neither go-live nor scope."""
    name = release_name(heading, url)
    go_live = _go_live(lines)
    in_scope, removed, partial, states = _scope(lines)
    if name is None or (go_live is None and not in_scope and not removed):
        return PageReading("release", None, ("no release name, go-live date or scope",))
    release = cs.Release(
        name=name,
        date=go_live,
        source=cs.SourcePos(1, 1),
        in_scope=tuple(in_scope),
        removed=tuple(removed),
        partial=tuple(partial),
        baselining=tuple(_notes(lines)),
    )
    changes = cs.ChangeSet(
        documents=[document_for(url, f"{name} SEC Release", fetched_at)], releases=[release]
    )
    when = f"go-live {go_live:%-d %B %Y}" if go_live else "no go-live date"
    summary = f"{name} SEC Release, {when}; {', '.join(states) or 'no modifications'}"
    return PageReading("release", changes, (), summary)
