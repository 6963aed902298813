"""A modification page (/modifications/<slug>/) -> the change set of that modification.

What the page shows is true on the day it was fetched: the document's date is that day; the
latest update's own date and the timeline's dates go into the history as they are. A page
showing no Stage has it read from the latest update (implemented, withdrawn, approved,
rejected) and marked as inferred.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from sec.lifecycle import MilestoneKind, Stage
from sec.references import parse_ref
from sec.vague_dates import Precision, VagueDate
from storage.ingest import changeset as cs
from storage.ingest.pages.dates import LEADING_DATE, find_day, parse_day, parse_implementation
from storage.ingest.pages.fields import read_fields
from storage.ingest.pages.reading import PageReading, document_for, slug_of, title_key

HEADING = re.compile(
    r"^(?P<ref>(?:MP|DP|SECMP)\s?\d{1,4}[A-Za-z]?)\b\s*[:–—-]?\s*(?P<title>.*)$", re.I
)
# Website stage text -> our stage; the first phrase found wins, so the order matters.
STAGE_WORDS: tuple[tuple[str, Stage], ...] = (
    ("withdrawn", Stage.WITHDRAWN),
    ("not approved", Stage.REJECTED),
    ("rejected", Stage.REJECTED),
    ("pending implementation", Stage.APPROVED),
    ("awaiting implementation", Stage.APPROVED),
    ("implemented", Stage.IMPLEMENTED),
    ("approved", Stage.APPROVED),
    ("authority", Stage.AUTHORITY),
    ("change board", Stage.CHANGE_BOARD),
    ("report phase", Stage.REPORT),
    ("modification report", Stage.REPORT),
    ("refinement", Stage.REFINEMENT),
    ("development", Stage.DRAFT),
    ("draft", Stage.DRAFT),
    ("on hold", Stage.ON_HOLD),
    ("initial", Stage.SUBMITTED),
    ("raised", Stage.SUBMITTED),
    ("submitted", Stage.SUBMITTED),
)
# What a latest update says has happened, as a person would read it.
INFERRED: tuple[tuple[re.Pattern[str], Stage], ...] = (
    (re.compile(r"\bwithdr(?:awn|ew)\b", re.I), Stage.WITHDRAWN),
    (
        re.compile(r"\b(?:was|been|were|is now)\s+implemented\b|\bwent live\b", re.I),
        Stage.IMPLEMENTED,
    ),
    (
        re.compile(r"\b(?:rejected|voted to reject|not to approve|did not approve)\b", re.I),
        Stage.REJECTED,
    ),
    (re.compile(r"\b(?:approved|voted to approve|decided to approve)\b", re.I), Stage.APPROVED),
)
TIMELINE_KINDS: tuple[tuple[str, MilestoneKind], ...] = (
    ("working group", MilestoneKind.WORKING_GROUP),
    ("change board", MilestoneKind.CHANGE_BOARD_VOTE),
    ("consultation close", MilestoneKind.CONSULTATION_CLOSE),
    ("consultation issue", MilestoneKind.CONSULTATION_ISSUE),
    ("modification report", MilestoneKind.MODIFICATION_REPORT),
    ("authority", MilestoneKind.AUTHORITY_DECISION),
    ("preliminary assessment", MilestoneKind.DCC_PRELIMINARY_ASSESSMENT),
    ("impact assessment", MilestoneKind.DCC_IMPACT_ASSESSMENT),
    ("panel", MilestoneKind.PANEL_RETURN),
)
EXPECTED = ("proposer", "raised", "stage", "implementation", "latest", "lead_analyst")
MAX_TIMELINE = 200


def stage_of(text: str) -> Stage | None:
    lowered = text.lower()
    return next((stage for words, stage in STAGE_WORDS if words in lowered), None)


def infer_stage(update: str) -> Stage | None:
    return next((stage for pattern, stage in INFERRED if pattern.search(update)), None)


def read_timeline(lines: tuple[str, ...]) -> tuple[cs.HistoryEntry, ...]:
    """Lines that start with a day ("03 Mar 2021 Present to Working Group"), oldest first."""
    entries: dict[tuple[date, str], cs.HistoryEntry] = {}
    for line in lines:
        match = LEADING_DATE.match(line)
        rest = match.group("rest").strip(" |:–—-") if match else ""
        if not match or not rest or len(rest) > 300:
            continue
        day = parse_day(f"{match.group('day')} {match.group('month')} {match.group('year')}")
        if day is not None:
            entries.setdefault((day, rest), cs.HistoryEntry(day, rest))
        if len(entries) >= MAX_TIMELINE:
            break
    return tuple(sorted(entries.values(), key=lambda e: e.date))


def milestones_from(
    ref: str, timeline: tuple[cs.HistoryEntry, ...], today: date
) -> list[cs.Milestone]:
    """Timeline steps still ahead become milestones (reminders); past ones are history only."""
    found = []
    for entry in timeline:
        lowered = entry.text.lower()
        kind = next((k for words, k in TIMELINE_KINDS if words in lowered), None)
        if kind is not None and entry.date >= today:
            when = VagueDate(entry.date, Precision.DAY)
            found.append(cs.Milestone(ref, kind, when, entry.text, cs.SourcePos(1, 1)))
    return found


def _identify(heading: str, url: str, known: Mapping[str, str]) -> tuple[str | None, str]:
    """(reference, title): from the heading, else the known modification of that slug or title."""
    match = HEADING.match(heading)
    ref = parse_ref(match.group("ref").replace(" ", "")) if match else None
    if match and ref is not None:
        return ref.canonical, match.group("title").strip(" –—-:") or heading
    found = known.get(slug_of(url) or "") or known.get(title_key(heading))
    return found, heading


def read_modification(
    page_lines: tuple[str, ...],
    heading: str,
    *,
    url: str,
    fetched_at: datetime,
    known: Mapping[str, str],
) -> PageReading:
    """The modification a page describes; ``changes`` is None when none of its fields are there."""
    fields = read_fields(page_lines)
    if not heading or not any(name in fields for name in EXPECTED):
        return PageReading("modification", None, ("none of a modification page's fields",))
    ref, title = _identify(heading, url, known)
    if ref is None:
        return PageReading(
            "modification", None, (f"no reference in ‘{heading[:80]}’ and no known match",)
        )
    today = document_for(url, heading, fetched_at).date or fetched_at.date()
    return PageReading(
        "modification", _changeset(ref, title, fields, page_lines, url, fetched_at, today), ()
    )


def _changeset(
    ref: str,
    title: str,
    fields: dict[str, str],
    lines: tuple[str, ...],
    url: str,
    fetched_at: datetime,
    today: date,
) -> cs.ChangeSet:
    latest = fields.get("latest")
    stage = stage_of(fields["stage"]) if "stage" in fields else None
    inferred = False
    if stage is None and latest:
        stage, inferred = infer_stage(latest), infer_stage(latest) is not None
    implementation = (
        parse_implementation(fields["implementation"]) if "implementation" in fields else None
    )
    timeline = read_timeline(lines)
    dcc = fields.get("dcc_impact", "").strip().lower()
    mod = cs.Modification(
        ref=ref,
        title=" ".join(title.split())[:300],
        stage=stage,
        status=latest,
        as_of=find_day(latest) if latest else None,
        source=cs.SourcePos(1, 1),
        proposer=fields.get("proposer", "")[:200] or None,
        lead_analyst=fields.get("lead_analyst", "")[:200] or None,
        raised_on=parse_day(fields["raised"]) if "raised" in fields else None,
        implementation=implementation.text if implementation else None,
        implementation_date=implementation.day if implementation else None,
        release=implementation.release if implementation else None,
        stage_inferred=inferred,
        url=url,
        dcc_impact=True if dcc.startswith("yes") else False if dcc.startswith("no") else None,
        history=timeline,
    )
    return cs.ChangeSet(
        documents=[document_for(url, f"{ref} {title}", fetched_at)],
        modifications=[mod],
        milestones=milestones_from(ref, timeline, today),
    )
