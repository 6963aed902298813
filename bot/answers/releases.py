"""Answers about SEC Releases: one release's scope, all releases, and release membership."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers import tables
from bot.answers.lookup import find_modification
from bot.answers.shared import stage_label
from bot.views import (
    Answer,
    MembershipView,
    ReleaseSummary,
    ReleasesView,
    ReleaseView,
    ScopeRow,
    message,
    web_url,
)
from sec.lifecycle import ScopeState, Stage
from sec.releases import release_title
from storage import facts, queries
from storage.fact_models import ReleaseCandidate
from storage.models import Release, ScopeEntry

if TYPE_CHECKING:
    from bot.router import Context, Router


def find_release(session: Session, text: str, as_of: date | None = None) -> Release | None:
    """A release named by month ("Feb 2022", "feb22") or by its stored name; with the asker's
    day, also "next" (the first going live on or after it) and a month without a year
    ("February": the next release in that month, else the latest one)."""
    found = queries.find_release(session, text=text)
    if found is not None or as_of is None:
        return found
    word = text.strip().lower()
    dated = [r for r in queries.list_releases(session) if r.go_live is not None]
    if word in {"next", "upcoming", "the next"}:
        return next((r for r in dated if r.go_live and r.go_live >= as_of), None)
    month = _MONTHS.get(word[:3]) if word.isalpha() and len(word) >= 3 else None
    same_month = [r for r in dated if r.go_live and r.go_live.month == month]
    ahead = [r for r in same_month if r.go_live and r.go_live >= as_of]
    if ahead:
        return ahead[0]
    return same_month[-1] if same_month else None


_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def _unknown_release(session: Session, text: str) -> Answer:
    known = [r.name for r in queries.list_releases(session)]
    return message(
        f"I don't know a SEC Release called “{text}”." if text else "Which release?",
        *(f"release {name}" for name in known[-4:]),
        kind="not_found" if text else "usage",
    )


def _row(entry: ScopeEntry, next_dates: dict[str, str] | None = None) -> ScopeRow:
    mod = entry.modification
    return ScopeRow(
        ref=mod.ref,
        title=mod.title,
        state=entry.state,
        stage_label=stage_label(mod.stage),
        note=entry.note,
        added=entry.added,
        url=web_url(mod.slug),
        next_date=(next_dates or {}).get(mod.ref),
    )


def release(session: Session, args: str, ctx: Context) -> Answer:
    """A release's go-live date, its scope with each modification's state, and scope changes."""
    args, page = tables.split_page(args)  # "release Nov 2022 page 2": the scope table pages
    found = find_release(session, args, ctx.as_of)
    if found is None:
        return _unknown_release(session, args.strip())
    if found.as_of is not None and found.as_of > ctx.as_of:
        # Its date, baselining and scope come from a later paper: --as-of must not leak them.
        return message(
            f"On {ctx.as_of:%-d %B %Y} I knew of no {release_title(found.name)}: "
            f"it first appears in my sources on {found.as_of:%-d %B %Y}.",
            f"release {found.name}",
            kind="not_found",
        )
    entries = queries.list_scope_as_of(session, release=found, as_of=ctx.as_of)
    nexts = tables.next_dates(session, [e.modification.ref for e in entries], as_of=ctx.as_of)
    in_scope = [_row(e, nexts) for e in entries if e.state != ScopeState.REMOVED]
    view = ReleaseView(
        title=release_title(found.name),
        go_live=found.go_live,
        baselining=found.baselining,
        in_scope=in_scope,
        removed=[_row(e) for e in entries if e.state == ScopeState.REMOVED],
        as_of=ctx.as_of,
        page=tables.page_of(len(in_scope), page, f"release {found.name}"),
        went_live=went_live(found, ctx.as_of),
        candidates=[
            _candidate(c)
            for c in facts.list_release_candidates(session, release=found, as_of=ctx.as_of)
        ],
    )
    return Answer("release", view, meta={"release": found.name})


def _candidate(item: ReleaseCandidate) -> ScopeRow:
    mod = item.modification
    return ScopeRow(
        ref=mod.ref,
        title=mod.title,
        state="candidate",
        stage_label=stage_label(mod.stage),
        note=item.note,
        added=False,
        url=web_url(mod.slug),
    )


_IN_SCOPE = {ScopeState.IN_SCOPE.value, ScopeState.PARTIAL.value}


def _known(entry: ScopeEntry, as_of: date) -> bool:
    return entry.as_of is None or entry.as_of <= as_of


def went_live(found: Release, as_of: date) -> bool | None:
    """True when the go-live has passed and a modification in its scope is implemented (the
    release happened); None when the store cannot tell ("was due to go live")."""
    if found.go_live is None or found.go_live >= as_of:
        return None
    in_scope = [e for e in found.scope if e.state in _IN_SCOPE and _known(e, as_of)]
    return True if any(e.modification.stage == Stage.IMPLEMENTED for e in in_scope) else None


def releases(session: Session, args: str, ctx: Context) -> Answer:
    """Every SEC Release with its go-live date and the size of its scope."""
    rows = [
        ReleaseSummary(
            title=release_title(r.name),
            go_live=r.go_live,
            # Candidates are not scope until a paper says they are in (docs/answers.md).
            in_scope=sum(1 for e in r.scope if e.state in _IN_SCOPE and _known(e, ctx.as_of)),
            past=r.go_live is not None and r.go_live < ctx.as_of,
            went_live=went_live(r, ctx.as_of),
            candidates=len(facts.list_release_candidates(session, release=r, as_of=ctx.as_of)),
        )
        for r in queries.list_releases(session)
        if r.as_of is None or r.as_of <= ctx.as_of  # a release not yet heard of on the day
    ]
    if not rows:
        return message("I have no SEC Releases on record yet.", kind="not_found")
    return Answer("releases", ReleasesView(releases=rows, as_of=ctx.as_of))


def in_release(session: Session, args: str, ctx: Context) -> Answer:
    """Is a modification in a release? args: "<ref> <release name>"."""
    ref_text, _, release_text = args.partition(" ")
    found_mod = find_modification(session, ref_text, command="status")
    if found_mod.modification is None:
        assert found_mod.failure is not None
        return found_mod.failure
    found = find_release(session, release_text, ctx.as_of)
    if found is None:
        return _unknown_release(session, release_text.strip())
    mod = found_mod.modification
    entry = next(
        (
            e
            for e in queries.list_scope_as_of(session, release=found, as_of=ctx.as_of)
            if e.modification_id == mod.id
        ),
        None,
    )
    state, note = (entry.state, entry.note) if entry else (None, None)
    if entry is None:  # a candidate is not scope, but "not in scope" alone would hide it
        named = [
            c
            for c in facts.list_candidacies(session, modification=mod, as_of=ctx.as_of)
            if c.release_id == found.id
        ]
        if named:
            state, note = "candidate", named[-1].note
    view = MembershipView(
        ref=mod.ref,
        title=mod.title,
        release_title=release_title(found.name),
        go_live=found.go_live,
        state=state,
        added=entry.added if entry else False,
        note=note,
        as_of=ctx.as_of,
        went_live=went_live(found, ctx.as_of),
    )
    return Answer("membership", view, meta={"ref": mod.ref, "release": found.name})


def register(router: Router) -> None:
    from bot.understanding import register_readers
    from bot.understanding.readers import release_reader

    register_readers(router, ("release", release_reader))
    router.register(
        "release",
        release,
        usage="release <name or month year>",
        description="a SEC Release's date and scope",
    )
    router.register("releases", releases, usage="releases", description="all SEC Releases")
    router.register(
        "in-release",
        in_release,
        usage="in-release <ref> <release>",
        description="is a modification in a release?",
    )
