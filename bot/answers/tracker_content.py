"""What a live tracker shows: one row per modification (stage, latest update, next date) and the
key dates, for a release's scope, a person's modifications (`mine`) or a list.

The worker's trackers job calls ``tracker_content`` (handed to it by the entry point, as the
renderer is: jobs never import bot) whenever the store or the day moved; the content is the same
answer the router gives (`release`, `list`), so a tracker and a question never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.answers import tables
from bot.answers.shared import stage_label
from bot.context import Context
from bot.templating import render
from bot.views import web_url
from sec.markup import escape_mrkdwn
from sec.releases import release_title
from sec.timefmt import go_live_phrase, uk_date
from storage import queries
from storage.models import Contact, Modification, Subscription

PINNED_ROWS = tables.TABLE_PAGE  # a pinned message holds one Slack table; a canvas holds all


@dataclass(frozen=True)
class TrackerRow:
    ref: str
    title: str
    url: str | None
    stage: str
    update: str | None  # the latest update (status), as the register says it
    update_as_of: date | None
    next_date: str | None
    note: str | None = None


@dataclass(frozen=True)
class TrackerView:
    title: str
    intro: str  # "Goes live on …", "Modifications matching …"
    rows: list[TrackerRow]
    key_dates: list[tuple[str, str]] = field(default_factory=list)  # (what, when)
    removed: list[TrackerRow] = field(default_factory=list)
    as_of: date | None = None
    command: str = ""  # the question that gives the same answer ("release Nov 2022")
    pinned_rows: int = PINNED_ROWS


def _rows(session: Session, refs: list[str], as_of: date) -> list[TrackerRow]:
    if not refs:
        return []
    mods = {
        m.ref: m for m in session.scalars(select(Modification).where(Modification.ref.in_(refs)))
    }
    nexts = tables.next_dates(session, refs, as_of=as_of)
    return [
        TrackerRow(
            ref=ref,
            title=mods[ref].title,
            url=web_url(mods[ref].slug),
            stage=stage_label(mods[ref].stage),
            update=mods[ref].status,
            update_as_of=mods[ref].status_as_of,
            next_date=nexts.get(ref),
        )
        for ref in refs
        if ref in mods
    ]


def _release_view(session: Session, args: str, as_of: date) -> TrackerView | None:
    from bot.answers.releases import find_release

    found = find_release(session, args)
    if found is None:
        return None
    entries = queries.list_scope_as_of(session, release=found, as_of=as_of)
    in_scope = [e for e in entries if e.state != "removed"]
    rows = _rows(session, [e.modification.ref for e in in_scope], as_of)
    notes = {e.modification.ref: _scope_note(e.state, e.added, e.note) for e in in_scope}
    rows = [replace(r, note=notes.get(r.ref)) for r in rows]
    removed = _rows(session, [e.modification.ref for e in entries if e.state == "removed"], as_of)
    title = release_title(found.name)
    key_dates = [("Go-live", uk_date(found.go_live))] if found.go_live else []
    if found.baselining:
        key_dates.append(("Baselining", found.baselining))
    key_dates += [(r.ref, r.next_date) for r in rows if r.next_date]
    when = go_live_phrase(found.go_live, as_of) if found.go_live else "go-live to be confirmed"
    intro = f"{when[:1].upper()}{when[1:]}. {len(rows)} in scope" + (
        f", {len(removed)} removed." if removed else "."
    )
    return TrackerView(
        title, intro, rows, key_dates, removed, as_of, command=f"release {found.name}"
    )


def _scope_note(state: str, added: bool, note: str | None) -> str | None:
    parts = (["partly in this release"] if state == "partial" else []) + (
        ["added to scope"] if added else []
    )
    if note:
        parts.append(note)
    return "; ".join(parts) or None


def _mine_refs(session: Session, owner: str) -> list[str]:
    """A person's modifications: those they propose or follow, and those they subscribed to."""
    linked = select(Contact.modification_id).where(
        or_(Contact.slack_user_id == owner, Contact.teams_user_id == owner)
    )
    refs = set(session.scalars(select(Modification.ref).where(Modification.id.in_(linked)))) | set(
        session.scalars(
            select(Subscription.value).where(
                Subscription.channel == owner, Subscription.topic == "ref"
            )
        )
    )
    return sorted(refs, key=lambda r: (len(r), r))


def _mine_view(session: Session, owner: str | None, as_of: date) -> TrackerView | None:
    if not owner:
        return None
    rows = _rows(session, _mine_refs(session, owner), as_of)
    key_dates = [(r.ref, r.next_date) for r in rows if r.next_date]
    intro = f"{len(rows)} modification{'' if len(rows) == 1 else 's'} you propose or follow"
    return TrackerView("Modifications of interest", intro, rows, key_dates, as_of=as_of)


def _list_view(session: Session, args: str, as_of: date) -> TrackerView | None:
    from bot.answers.list import answer_list, read_list_filters
    from bot.understanding.filters import FilterError

    try:
        filters, unexplained = read_list_filters(session, args)
    except FilterError:
        return None
    if unexplained:
        return None
    # The console's page size for --all is everything: a canvas has no row limit.
    answer = answer_list(session, replace(filters, show_all=True), Context(as_of=as_of))
    model = answer.model
    if not hasattr(model, "rows"):
        return TrackerView(str(getattr(model, "text", "List")), "None matched", [], as_of=as_of)
    rows = _rows(session, [r.ref for r in model.rows], as_of)
    key_dates = [(r.ref, r.next_date) for r in rows if r.next_date]
    return TrackerView(
        model.title, f"{len(rows)} matched", rows, key_dates, as_of=as_of, command=f"list {args}"
    )


def tracker_view(
    session: Session, *, target: str, owner: str | None, as_of: date
) -> TrackerView | None:
    """What the tracker of ``target`` shows on the day; None when it no longer resolves."""
    kind, _, args = target.partition(" ")
    if kind == "release":
        return _release_view(session, args, as_of)
    if kind == "mine":
        return _mine_view(session, owner, as_of)
    if kind == "list":
        return _list_view(session, args, as_of)
    return None


def tracker_content(
    session: Session, *, target: str, owner: str | None, as_of: date
) -> dict[str, Any] | None:
    """The tracker's canvas markdown and its pinned-message form (text and blocks), rendered
    from templates/text/tracker_canvas.txt.j2 and templates/slack/tracker_pinned.json.j2."""
    import json

    from bot.slack.blocks import fit

    view = tracker_view(session, target=target, owner=owner, as_of=as_of)
    if view is None:
        return None
    markdown = render("text", "tracker_canvas", m=view)
    text = escape_mrkdwn(render("text", "tracker_pinned", m=view))
    blocks = fit(json.loads(render("slack", "tracker_pinned", m=view)))
    return {"title": view.title, "markdown": markdown, "text": text[:3000], "blocks": blocks}
