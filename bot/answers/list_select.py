"""Select the modifications a list's filters describe, using only what was known on the day."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, utils
from sqlalchemy.orm import Session

from bot.answers.shared import stage_label, when
from bot.understanding.filters import ListFilters
from bot.understanding.vocabulary import PATH_LABELS, WAIT_KIND_LABELS
from bot.views import Answer, message, web_url
from sec.lifecycle import MilestoneKind, ScopeState, Stage
from sec.releases import release_title
from storage import facts, queries
from storage.models import Modification, Release, ScopeEntry

IN_SCOPE = {ScopeState.IN_SCOPE.value, ScopeState.PARTIAL.value}
_WAIT_MILESTONES = {
    "ia": {MilestoneKind.DCC_IMPACT_ASSESSMENT.value},
    "pa": {MilestoneKind.DCC_PRELIMINARY_ASSESSMENT.value, MilestoneKind.PA_REQUEST.value},
}
_WAIT_WORDS = {"ia": "impact assessment", "pa": "preliminary assessment"}
_MEETING_MILESTONES = {
    "working_group": {MilestoneKind.WORKING_GROUP.value},
    "panel": {MilestoneKind.PANEL_RETURN.value, MilestoneKind.MODIFICATION_REPORT.value},
    "change_board": {MilestoneKind.CHANGE_BOARD_VOTE.value},
    "csc": {MilestoneKind.SUB_COMMITTEE.value, MilestoneKind.MODIFICATION_REPORT.value},
}


def _at_meeting(milestone_kind: str, text: str, meeting: str) -> bool:
    """A Modification Report goes to the Panel (before 2021) or to the CSC (its papers say
    which): route it by the text, so at:csc and at:panel do not both claim it."""
    if milestone_kind != MilestoneKind.MODIFICATION_REPORT.value or meeting not in {"panel", "csc"}:
        return True
    to_csc = "csc" in text.lower() or "sub-committee" in text.lower()
    return to_csc if meeting == "csc" else not to_csc


_MEETING_NAMES = {
    "working_group": "Working Group",
    "panel": "Panel",
    "change_board": "Change Board",
    "csc": "Change Sub-Committee",
}


@dataclass(frozen=True)
class Row:
    ref: str
    title: str
    stage_label: str
    url: str | None
    note: str | None


@dataclass(frozen=True)
class Selection:
    title: str
    rows: list[Row]
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return len(self.rows)


Test = Callable[[Modification], str | bool | None]  # True/str: keep (str: a note); falsy: drop


def select_rows(session: Session, filters: ListFilters, *, as_of: date) -> Selection | Answer:
    statuses = queries.latest_status_by_modification(session, as_of=as_of)
    ever = queries.latest_status_by_modification(session, as_of=date.max)
    scope = queries.list_scope_entries_as_of(session, as_of=as_of)
    scoped_ids = {e.modification_id for e in scope}

    def stage_of(mod: Modification) -> str:
        return statuses[mod.id].stage if mod.id in statuses else mod.stage

    def known(mod: Modification) -> bool:
        return mod.id in statuses or (mod.id not in ever and mod.id in scoped_ids)

    tests: list[Test] = []
    words: list[str] = []
    if filters.refs:
        refs = set(filters.refs)
        tests.append(
            lambda m: m.ref in refs and (statuses[m.id].status if m.id in statuses else True)
        )
    if filters.stages:
        wanted = set(filters.stages)
        tests.append(lambda m: stage_of(m) in wanted)
        words.append("at stage " + " or ".join(stage_label(s) for s in filters.stages))
    if filters.open_only:
        tests.append(lambda m: Stage(stage_of(m)).is_open)
        words.append("open")
    if filters.release:
        found = _release_test(session, filters, scope, as_of)
        if isinstance(found, Answer):
            return found
        test, phrase = found
        tests.append(test)
        words.append(phrase)
    if filters.dcc is not None:
        tests.append(lambda m: _dcc_known(m, as_of) is filters.dcc)
        words.append("impacting DCC Systems" if filters.dcc else "not impacting DCC Systems")
    if filters.proposer:
        tests.append(_proposer_test(filters.proposer))
        words.append(f"raised by {filters.proposer}")
    if filters.waiting or filters.wait_kind:
        tests.append(_waiting_test(session, filters, as_of))
        words.append(_waiting_words(filters))
    if filters.path:
        path = filters.path
        tests.append(lambda m: m.path == path)
        words.append(PATH_LABELS.get(path, path))
    if filters.raised:
        period = filters.raised
        tests.append(lambda m: period.contains(m.raised_on))
        words.append(f"raised in {period.label}")
    if filters.due:
        tests.append(_due_test(session, filters, as_of))
        name = _MEETING_NAMES.get(filters.due_at or "")
        at = f"at the {name}" if name else ("at a meeting" if filters.due_at else "")
        words.append(" ".join(f"with something due {at} in {filters.due.label}".split()))
    notes: list[str] = []
    if filters.next_meeting:
        test, phrase = _next_meeting_test(session, filters.next_meeting, as_of)
        tests.append(test)
        words.append(phrase)
    rows = []
    for mod in queries.list_modifications(session):
        if not known(mod):
            continue
        kept = [t(mod) for t in tests]
        if all(kept):
            note = "; ".join(k for k in kept if isinstance(k, str)) or None
            rows.append(
                Row(mod.ref, mod.title, stage_label(stage_of(mod)), web_url(mod.slug), note)
            )
    if filters.raised and not any(m.raised_on for m in queries.list_modifications(session)):
        notes.append("My store holds no dates raised yet, so nothing can match a raised: filter.")
    if filters.refs:
        words.insert(0, "that fit")
    title = "Modifications " + ", ".join(words) if words else "All modifications"
    return Selection(title, rows, tuple(notes))


def _dcc_known(mod: Modification, as_of: date) -> bool | None:
    """DCC System impact, only when the paper or page that said it is dated on or before as_of."""
    said_on = mod.details_as_of or mod.status_as_of
    return mod.dcc_impact if said_on is not None and said_on <= as_of else None


def _release_test(
    session: Session, filters: ListFilters, scope: Iterable[ScopeEntry], as_of: date
) -> tuple[Test, str] | Answer:
    release: Release | None = queries.find_release(session, text=filters.release or "")
    if release is None:
        known = [r.name for r in queries.list_releases(session)]
        return message(
            f"I don't know a SEC Release called “{filters.release}”.",
            *(f'list release:"{name}"' for name in known[-4:]),
            kind="not_found",
        )
    states = {"scope": IN_SCOPE, "removed": {ScopeState.REMOVED.value}}
    wanted = states.get(filters.release_state, set())
    marks: dict[int, str | bool] = {
        e.modification_id: e.note or ("partly in scope" if e.state == ScopeState.PARTIAL else True)
        for e in scope
        if e.release_id == release.id and e.state in wanted
    }
    if filters.release_state == "candidate":
        # Candidates are their own facts (storage.facts), never counted as scope.
        for candidate in facts.list_release_candidates(session, release=release, as_of=as_of):
            marks[candidate.modification_id] = candidate.note or "a candidate"
    title = release_title(release.name)
    phrase = {
        "candidate": f"that are candidates for the {title}",
        "removed": f"removed from the {title}",
    }.get(filters.release_state, f"in the {title}")

    return (lambda mod: marks.get(mod.id, False)), phrase


def _proposer_test(typed: str) -> Test:
    key = utils.default_process(typed)

    def test(mod: Modification) -> bool:
        if not mod.proposer:
            return False
        name = utils.default_process(mod.proposer)
        return key in name or fuzz.partial_ratio(key, name) >= 90 and len(key) >= 4

    return test


def _waiting_test(session: Session, filters: ListFilters, as_of: date) -> Test:
    decisions = queries.list_open_decisions(session, as_of=as_of)
    owed: dict[int, list[str]] = {}
    kind = filters.wait_kind
    owner = (filters.waiting or "").lower()
    stored_kind = facts.WAIT_KIND_WORDS.get(kind or "")
    for d in decisions:
        text = d.what.lower()
        recorded = getattr(d, "kind", None)
        if kind in _WAIT_WORDS and recorded != stored_kind and _WAIT_WORDS[kind] not in text:
            continue
        if kind == "decision" and recorded not in {None, "decision"}:
            continue
        if owner and not (
            d.owner.lower() == owner or (owner == "authority" and "authority" in d.owner.lower())
        ):
            continue
        owed.setdefault(d.modification_id, []).append(f"waiting on {d.owner}: {d.what}")
    if kind in _WAIT_MILESTONES or owner == "dcc":
        kinds = _WAIT_MILESTONES.get(kind or "", _WAIT_MILESTONES["ia"] | _WAIT_MILESTONES["pa"])
        for m in queries.list_milestones_known(session, as_of=as_of):
            if m.kind in kinds and queries.milestone_window_end(m) >= as_of:
                owed.setdefault(m.modification_id, []).append(
                    f"{_label(m.kind)}: {when(m.start, m.precision)}"
                )
    return lambda mod: "; ".join(owed[mod.id]) if mod.id in owed else False


def _waiting_words(filters: ListFilters) -> str:
    if filters.wait_kind:
        return f"waiting on {WAIT_KIND_LABELS[filters.wait_kind]}"
    return (
        f"waiting on the {filters.waiting}"
        if filters.waiting not in {"DCC", "SECAS"}
        else f"waiting on {filters.waiting}"
    )


def _due_test(session: Session, filters: ListFilters, as_of: date) -> Test:
    period = filters.due
    assert period is not None
    due: dict[int, list[str]] = {}
    kinds = (
        set().union(*_MEETING_MILESTONES.values())
        if filters.due_at == "any"
        else _MEETING_MILESTONES.get(filters.due_at or "")
    )
    for m in queries.list_milestones_known(
        session, as_of=as_of, start=period.start, end=period.end
    ):
        if kinds is not None and m.kind not in kinds:
            continue
        if filters.due_at and not _at_meeting(m.kind, m.text, filters.due_at):
            continue
        if period.start <= queries.milestone_window_end(m) and m.start <= period.end:
            due.setdefault(m.modification_id, []).append(
                f"{_label(m.kind)}: {when(m.start, m.precision)}"
            )
    return lambda mod: "; ".join(due[mod.id]) if mod.id in due else False


def _next_meeting_test(session: Session, kind: str, as_of: date) -> tuple[Test, str]:
    every: set[str] = set().union(*_MEETING_MILESTONES.values())
    kinds = every if kind == "any" else _MEETING_MILESTONES[kind]
    ahead = [
        m
        for m in queries.list_milestones_known(session, as_of=as_of, start=as_of)
        if m.kind in kinds and queries.milestone_window_end(m) >= as_of
    ]
    if not ahead:
        name = _MEETING_NAMES.get(kind, "meeting")
        return (lambda mod: False), f"at the next {name} (none known after that day)"
    first = min(ahead, key=lambda m: m.start)
    on_it = {
        m.modification_id: f"{_label(m.kind)}: {when(m.start, m.precision)}"
        for m in ahead
        if m.start == first.start
    }
    return (
        lambda mod: on_it.get(mod.id, False)
    ), f"at the next {_MEETING_NAMES.get(kind, 'meeting')} ({when(first.start, first.precision)})"


def _label(kind: str) -> str:
    try:
        return MilestoneKind(kind).label
    except ValueError:
        return re.sub("_", " ", kind).capitalize()
