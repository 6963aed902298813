"""Answers about one modification (status, history) and finding modifications (search)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers import freshness
from bot.answers.lookup import find_modification
from bot.answers.shared import decision_view, milestone_view, stage_label
from bot.commands import keywords
from bot.understanding.periods import Period, parse_period
from bot.views import (
    Answer,
    HistoryEntryView,
    HistoryView,
    MilestoneView,
    ModRow,
    ReleaseLink,
    SearchView,
    StatusView,
    message,
    web_url,
)
from sec.lifecycle import DecisionPath, ScopeState, Stage
from sec.releases import release_title
from storage import facts, queries
from storage.models import Milestone, Modification

if TYPE_CHECKING:
    from bot.router import Context, Router


def status(session: Session, args: str, ctx: Context) -> Answer:
    """Where a modification stands: stage, status, release, next milestones, open decisions."""
    args, ctx = _as_of_in_args(args, ctx)
    found = find_modification(session, args, command="status", ctx=ctx)
    if found.modification is None:
        assert found.failure is not None
        return found.failure
    mod = found.modification
    entry = queries.get_status_as_of(session, modification=mod, as_of=ctx.as_of)
    if entry is None and mod.history:
        return message(
            f"{mod.ref} was not known on {ctx.as_of:%-d %B %Y}; try without --as-of.",
            kind="not_found",
        )
    # A modification only mentioned in passing (e.g. removed from a release) has no status yet.
    stage = Stage(entry.stage if entry else mod.stage)
    view = StatusView(
        ref=mod.ref,
        title=mod.title,
        stage=stage.value,
        stage_label=stage.label,
        sentence=freshness.stage_sentence(
            mod.ref,
            mod.title,
            stage.phrase,
            recorded=entry.as_of if entry else None,
            today=ctx.as_of,
        ),
        status=entry.status if entry else None,
        status_as_of=entry.as_of if entry else None,
        proposer=mod.proposer,
        path_label=DecisionPath(mod.path).label if mod.path else None,
        dcc_impact=mod.dcc_impact if _details_known(mod, ctx.as_of) else None,
        url=web_url(mod.slug),
        release=_release_link(session, mod, ctx.as_of),
        milestones=_milestones(session, mod, ctx.as_of, entry.as_of if entry else None),
        decisions=[
            decision_view(d, as_of=ctx.as_of)
            for d in queries.list_open_decisions(
                session, as_of=ctx.as_of, modification=mod, workspace=ctx.workspace or "default"
            )
        ],
        as_of=ctx.as_of,
        consultations=_consultations(session, mod, ctx.as_of),
    )
    return Answer("status", view, meta={"ref": mod.ref})


def _consultations(session: Session, mod: Modification, as_of: date) -> list[str]:
    """Each consultation known on the day: what, when it closes (closed, once past), where to
    send responses."""
    lines = []
    for c in facts.list_consultations(session, as_of=as_of, modification=mod):
        closes = f"{c.closes:%A %-d %B %Y}"
        when = f"closed on {closes}" if c.closes < as_of else f"responses by {closes}"
        where = f"; respond to {c.respond_to}" if c.respond_to else ""
        lines.append(f"{c.title}, {when}{where}")
    return lines


_AS_OF_WORDS = re.compile(r"\b(?:as of|as at)\s+(?P<when>.+)$", re.IGNORECASE)


def _as_of_in_args(args: str, ctx: Context) -> tuple[str, Context]:
    """`status MP159 as of 2019`: the status as known at the end of that period (never later
    than the asker's day)."""
    found = _AS_OF_WORDS.search(args)
    period = parse_period(found.group("when")) if found else None
    if found is None or period is None:
        return args, ctx
    return args[: found.start()].strip(), replace(ctx, as_of=min(ctx.as_of, period.end))


def _details_known(mod: Modification, as_of: date) -> bool:
    """Modification-level facts (DCC impact, target release) are as of the paper or page that
    gave them: never shown on a day before it (--as-of must not leak later facts)."""
    said_on = mod.details_as_of or mod.status_as_of
    return said_on is not None and said_on <= as_of


def _milestones(
    session: Session, mod: Modification, as_of: date, status_said_on: date | None
) -> list[MilestoneView]:
    """The next milestones; and, of each kind with nothing ahead, the latest plan, marked as
    passed (a passed plan is still the latest date known). A passed plan from a paper older
    than the latest status is no longer the latest word (SECMP0007's 2019 Working Group once
    a 2021 paper says it was approved), so it is left to `history`."""
    ahead = queries.list_upcoming_milestones(session, modification=mod, as_of=as_of)
    kinds_ahead = {m.kind for m in ahead}
    passed = [
        m
        for m in queries.list_latest_passed_milestones(session, modification=mod, as_of=as_of)
        if m.kind not in kinds_ahead
        and (m.as_of is None or status_said_on is None or m.as_of >= status_said_on)
    ]
    views = [_passed_view(m) for m in passed[-2:]]
    return views + [milestone_view(m) for m in ahead]


def _passed_view(milestone: Milestone) -> MilestoneView:
    view = milestone_view(milestone)
    said_on = milestone.as_of
    if said_on is not None and queries.milestone_window_end(milestone) < said_on:
        # The paper reported it as already past: a record, not a plan.
        return replace(view, when=f"{view.when} (past, as reported on {said_on:%-d %B %Y})")
    return replace(view, when=f"{view.when} (planned, the latest date known; that date has passed)")


def _release_link(session: Session, mod: Modification, as_of: date) -> ReleaseLink | None:
    """The release the modification is targeted at, with its state in that release's scope,
    as known on the day (a candidate is not in scope)."""
    entries = [
        e
        for e in queries.list_releases_for(session, modification=mod)
        if e.state != ScopeState.REMOVED and (e.as_of is None or e.as_of <= as_of)
    ]
    if mod.target_release is not None:
        entries.sort(key=lambda e: e.release_id != mod.target_release_id)
    if entries:
        entry = entries[0]
        state = {ScopeState.PARTIAL: "partly in scope", "candidate": "a candidate"}.get(
            entry.state, "in scope"
        )
        return ReleaseLink(
            release_title(entry.release.name), entry.release.go_live, state, entry.note
        )
    candidacies = facts.list_candidacies(session, modification=mod, as_of=as_of)
    if candidacies:  # a candidate is not scope: say so rather than "in scope" or "targeted"
        latest = candidacies[-1]
        release = latest.release
        return ReleaseLink(release_title(release.name), release.go_live, "a candidate", latest.note)
    if mod.target_release is not None and _details_known(mod, as_of):
        release = mod.target_release
        return ReleaseLink(release_title(release.name), release.go_live, "targeted", None)
    return None


def history(session: Session, args: str, ctx: Context) -> Answer:
    """Every recorded status of a modification, oldest first, with the paper it came from."""
    ref_text, period = _history_period(args)
    found = find_modification(session, ref_text, command="history")
    if found.modification is None:
        assert found.failure is not None
        return found.failure
    mod = found.modification
    entries = [
        HistoryEntryView(
            as_of=e.as_of,
            stage_label=stage_label(e.stage),
            status=e.status,
            source=e.document.name if e.document else e.recorded_by,
        )
        for e in queries.list_history(session, modification=mod, as_of=ctx.as_of)
    ]
    view = HistoryView(ref=mod.ref, title=mod.title, url=web_url(mod.slug), entries=entries)
    if period is not None:
        view = _between(view, period)
    return Answer("history", view, meta={"ref": mod.ref})


def _history_period(args: str) -> tuple[str, Period | None]:
    """ "SECMP0015 between 2019 and 2021" -> ("SECMP0015", 2019 to 2021)."""
    words = [w for w in args.split() if w.lower() not in {"of", "for", "the", "about"}]
    ref_text, _, rest = " ".join(words).partition(" ")
    period = parse_period(rest) if rest else None
    return (ref_text, period) if period else (args, None)


def _between(view: HistoryView, period: Period) -> HistoryView:
    """What changed in a period: the standing before it, the entries within, the standing after."""
    before = [e for e in view.entries if e.as_of < period.start]
    within = [e for e in view.entries if period.contains(e.as_of)]
    return replace(
        view,
        entries=before[-1:] + within,
        period=f"from {period.label.replace(' to ', ' to ')}",
        before=before[-1] if before else None,
        after=within[-1] if within else (before[-1] if before else None),
    )


def search(session: Session, args: str, ctx: Context) -> Answer:
    """Modifications whose title or status mention the words, best first."""
    words = keywords(args)
    if not words:
        return message("What should I search for? Try `search firmware`.", kind="usage")
    hits = queries.search_modifications(session, words=words, limit=10)
    rows = [
        ModRow(mod.ref, mod.title, stage_label(mod.stage), web_url(mod.slug)) for mod, _ in hits
    ]
    if not rows:
        return message(
            f"Nothing in my data mentions “{' '.join(words)}”.",
            "releases",
            "help",
            kind="not_found",
        )
    return Answer("search", SearchView(query=" ".join(words), hits=rows))


def register(router: Router) -> None:
    from bot.understanding import register_readers
    from bot.understanding.readers import history_reader, search_reader, status_reader

    register_readers(
        router, ("status", status_reader), ("history", history_reader), ("search", search_reader)
    )
    router.register(
        "status", status, usage="status <ref>", description="where a modification stands"
    )
    router.register(
        "history", history, usage="history <ref>", description="its status history, with sources"
    )
    router.register(
        "search", search, usage="search <words>", description="find modifications by words"
    )
