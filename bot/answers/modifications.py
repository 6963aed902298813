"""Answers about one modification (status, history) and finding modifications (search)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers.lookup import find_modification
from bot.answers.shared import decision_view, milestone_view, stage_label
from bot.commands import keywords
from bot.views import (
    Answer,
    HistoryEntryView,
    HistoryView,
    ModRow,
    ReleaseLink,
    SearchView,
    StatusView,
    message,
    web_url,
)
from sec.lifecycle import DecisionPath, ScopeState, Stage
from sec.releases import release_title
from storage import queries
from storage.models import Modification

if TYPE_CHECKING:
    from bot.router import Context, Router


def status(session: Session, args: str, ctx: Context) -> Answer:
    """Where a modification stands: stage, status, release, next milestones, open decisions."""
    found = find_modification(session, args, command="status")
    if found.modification is None:
        assert found.failure is not None
        return found.failure
    mod = found.modification
    entry = queries.get_status_as_of(session, modification=mod, as_of=ctx.as_of)
    if entry is None and mod.history:
        return message(
            f"{mod.ref} was not known on {ctx.as_of:%d %B %Y}; try without --as-of.",
            kind="not_found",
        )
    # A modification only mentioned in passing (e.g. removed from a release) has no status yet.
    stage = Stage(entry.stage if entry else mod.stage)
    view = StatusView(
        ref=mod.ref,
        title=mod.title,
        stage=stage.value,
        stage_label=stage.label,
        sentence=f"{mod.ref} ‘{mod.title}’ {stage.phrase}.",
        status=entry.status if entry else None,
        status_as_of=entry.as_of if entry else None,
        proposer=mod.proposer,
        path_label=DecisionPath(mod.path).label if mod.path else None,
        dcc_impact=mod.dcc_impact,
        url=web_url(mod.slug),
        release=_release_link(session, mod),
        milestones=[
            milestone_view(m)
            for m in queries.list_upcoming_milestones(session, modification=mod, as_of=ctx.as_of)
        ],
        decisions=[
            decision_view(d, as_of=ctx.as_of)
            for d in queries.list_open_decisions(session, as_of=ctx.as_of, modification=mod)
        ],
        as_of=ctx.as_of,
    )
    return Answer("status", view, meta={"ref": mod.ref})


def _release_link(session: Session, mod: Modification) -> ReleaseLink | None:
    """The release the modification is targeted at, with its state in that release's scope."""
    entries = [
        e
        for e in queries.list_releases_for(session, modification=mod)
        if e.state != ScopeState.REMOVED
    ]
    if mod.target_release is not None:
        entries.sort(key=lambda e: e.release_id != mod.target_release_id)
    if entries:
        entry = entries[0]
        state = "partly in scope" if entry.state == ScopeState.PARTIAL else "in scope"
        return ReleaseLink(
            release_title(entry.release.name), entry.release.go_live, state, entry.note
        )
    if mod.target_release is not None:
        release = mod.target_release
        return ReleaseLink(release_title(release.name), release.go_live, "targeted", None)
    return None


def history(session: Session, args: str, ctx: Context) -> Answer:
    """Every recorded status of a modification, oldest first, with the paper it came from."""
    found = find_modification(session, args, command="history")
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
    return Answer("history", view, meta={"ref": mod.ref})


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
    router.register(
        "status", status, usage="status <ref>", description="where a modification stands"
    )
    router.register(
        "history", history, usage="history <ref>", description="its status history, with sources"
    )
    router.register(
        "search", search, usage="search <words>", description="find modifications by words"
    )
