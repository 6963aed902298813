"""`summary [<days>]`: what changed recently and what is coming, for this channel's subscriptions
(or yours, in a direct message): the on-demand version of the digest.

Changed: the change events of the last ``days`` (default 7) that the channel's subscriptions hear
(`changes` hears every one; a modification hears its own; a release hears its own and those of
the modifications it targets), newest first. Coming: the deadlines of the next two weeks about
the modifications followed; channels subscribed to `all`, `meetings` or `deadlines` also see the
meeting deadlines. Baseline events (a site's first read) are not changes anyone made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answers.calendar_views import DeadlineView
from bot.answers.subscriptions import target_for
from bot.views import Answer, message
from sec.releases import release_title
from sec.timefmt import LONDON
from storage import subscriptions as subs
from storage.change_event_models import ChangeEvent
from storage.models import Modification, Subscription

if TYPE_CHECKING:
    from bot.router import Context, Router

DEFAULT_DAYS, MAX_DAYS = 7, 92
MAX_CHANGES, MAX_COMING = 40, 40
_WIDE = {"all", "meetings", "deadlines"}  # topics that hear every meeting deadline


@dataclass(frozen=True)
class ChangeLine:
    day: date
    ref: str | None
    title: str
    what: str


@dataclass(frozen=True)
class SummaryView:
    title: str
    since: date
    topics: list[str]
    changes: list[ChangeLine]
    coming: list[DeadlineView]
    more_changes: int = 0
    notes: list[str] = field(default_factory=list)


def _heard(event: ChangeEvent, rows: list[Subscription], targets: dict[str, str | None]) -> bool:
    for row in rows:
        if row.topic == "changes":
            return True
        if row.topic == "ref" and event.ref == row.value:
            return True
        if row.topic == "release" and (
            event.release == row.value or (event.ref and targets.get(event.ref) == row.value)
        ):
            return True
    return False


def _changes(
    session: Session, rows: list[Subscription], since: datetime
) -> tuple[list[ChangeLine], int]:
    events = list(
        session.scalars(
            select(ChangeEvent)
            .where(ChangeEvent.recorded_at >= since, ChangeEvent.baseline.is_(False))
            .order_by(ChangeEvent.recorded_at.desc(), ChangeEvent.id.desc())
            .limit(2000)
        )
    )
    refs = {e.ref for e in events if e.ref}
    mods = {
        m.ref: m for m in session.scalars(select(Modification).where(Modification.ref.in_(refs)))
    }
    targets = {r: (m.target_release.name if m.target_release else None) for r, m in mods.items()}
    lines = [
        ChangeLine(
            day=e.recorded_at.astimezone(LONDON).date(),
            ref=e.ref,
            title=mods[e.ref].title if e.ref in mods else release_title(e.release or e.subject),
            what=_what(e),
        )
        for e in events
        if _heard(e, rows, targets)
    ]
    return lines[:MAX_CHANGES], max(len(lines) - MAX_CHANGES, 0)


def _what(event: ChangeEvent) -> str:
    from jobs.change_notices import change_line

    return change_line(event)


def _followed_refs(session: Session, rows: list[Subscription]) -> set[str]:
    refs = {r.value for r in rows if r.topic == "ref"}
    releases = {r.value for r in rows if r.topic == "release"}
    if releases:
        from bot.answers.releases import find_release

        for name in releases:
            found = find_release(session, name)
            refs |= {e.modification.ref for e in (found.scope if found else [])}
    return refs


def _coming(session: Session, rows: list[Subscription], ctx: Context) -> list[DeadlineView]:
    from bot.answers.calendar import deadlines

    answer = deadlines(session, "next 2 weeks", ctx)
    items = list(getattr(answer.model, "items", []))
    wide = any(r.topic in _WIDE for r in rows)
    refs = _followed_refs(session, rows)
    kept = [d for d in items if not d.past and ((d.ref in refs) or (wide and d.ref is None))]
    return kept[:MAX_COMING]


def summary(session: Session, args: str, ctx: Context) -> Answer:
    target = target_for(ctx)
    if target is None:
        return message("`summary` is about a channel's subscriptions (or yours, in a DM).")
    words = args.strip().lower().removesuffix(" days").removesuffix("days").strip()
    if words and not (words.isdigit() and 1 <= int(words) <= MAX_DAYS):
        return message(f"`summary [days]`: a number of days from 1 to {MAX_DAYS}.", kind="usage")
    days = int(words) if words else DEFAULT_DAYS
    rows = subs.list_subscriptions(
        session, surface=target.surface, channel=target.channel, workspace=target.workspace
    )
    if not rows:
        return message(
            f"{target.verb('have', 'has')} no subscriptions, so there is nothing to sum up.",
            "subscribe MP159",
            "subscribe changes",
            ok=True,
        )
    since_day = ctx.as_of - timedelta(days=days)
    since = datetime.combine(since_day, time(0, 0), tzinfo=LONDON)
    changes, more = _changes(session, rows, since)
    view = SummaryView(
        title=f"Summary for {target.name}: the last {days} days and the next two weeks",
        since=since_day,
        topics=[_label(r) for r in rows],
        changes=changes,
        coming=_coming(session, rows, ctx),
        more_changes=more,
    )
    return Answer("summary", view)


def _label(row: Subscription) -> str:
    if row.topic == "release":
        return release_title(row.value)
    return row.value or row.topic


def register(router: Router) -> None:
    router.register(
        "summary",
        summary,
        usage="summary [days]",
        description="what changed lately and what is coming, for this channel's subscriptions",
    )
