"""The daily digest: at 09:00 on each Working Day, the SEC dates of the next five Working Days.

It goes to channels subscribed to topic ``all`` (and to a ``digest`` topic, should one be
added), and on the first Working Day of each week to those subscribed to ``weekly``, through
the outbox like any reminder (key "digest:daily:<day>"), so it is sent once, or late within
24 h. Only the latest Working Day's digest is queued (a newer one supersedes it), and
a day with nothing coming up sends none.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.context import JobContext
from jobs.payloads import SUPPORTED_SURFACES, build_payload
from jobs.plan import load_snapshot
from sec.reminders import Event, events_between
from sec.timefmt import at_london
from sec.workdays import WorkingCalendar
from storage.db import transaction
from storage.models import Subscription
from storage.outbox import NewDelivery, enqueue_deliveries

DIGEST_TOPICS = ("all", "digest")
WEEKLY_TOPIC = "weekly"  # `subscribe weekly`: the digest on the week's first Working Day only


def digest_key(day: date) -> str:
    return f"digest:daily:{day.isoformat()}"


def _digest_day(calendar: WorkingCalendar, now: datetime, ctx: JobContext) -> date | None:
    """The latest Working Day whose 09:00 has passed, within the lookback: a digest is
    superseded by the next one, so older missed ones are not queued at all."""
    day = now.date()
    while at_london(day, ctx.policy.hour) >= now - ctx.rules.lookback:
        if calendar.is_working_day(day) and at_london(day, ctx.policy.hour) <= now:
            return day
        day -= timedelta(days=1)
    return None


def first_of_week(calendar: WorkingCalendar, day: date) -> bool:
    """The first Working Day of its week (Monday, or Tuesday after a bank holiday Monday)."""
    monday = day - timedelta(days=day.weekday())
    earlier = (monday + timedelta(days=n) for n in range(day.weekday()))
    return calendar.is_working_day(day) and not any(calendar.is_working_day(d) for d in earlier)


def _recipients(
    session: Session, surfaces: set[str], *, weekly: bool = False
) -> list[tuple[str, str]]:
    """Channels for the day's digest; on the week's first Working Day, the weekly ones too (a
    channel subscribed both ways gets one digest: the row's key is the day's)."""
    topics = (*DIGEST_TOPICS, WEEKLY_TOPIC) if weekly else DIGEST_TOPICS
    stmt = select(Subscription.surface, Subscription.channel).where(
        Subscription.topic.in_(topics), Subscription.surface.in_(surfaces)
    )
    return sorted({(surface, channel) for surface, channel in session.execute(stmt)})


def _context(day: date, until: date, events: list[Event]) -> dict[str, Any]:
    items = [{**e.context, "kind": e.kind, "target": e.target} for e in events]
    return {"kind": "digest", "day": day, "until": until, "events": items}


def _digest_rows(
    ctx: JobContext, day: date, until: date, events: list[Event], targets: list[tuple[str, str]]
) -> list[NewDelivery]:
    """One row per channel, the payload rendered once per surface."""
    due_at, key = at_london(day, ctx.policy.hour), digest_key(day)
    context = _context(day, until, events)
    payloads = {
        surface: build_payload(
            ctx.render, template="digest", surface=surface, key=key, due_at=due_at, context=context
        )
        for surface in {surface for surface, _ in targets}
    }
    return [
        NewDelivery(key, "digest", surface, channel, due_at, payloads[surface])
        for surface, channel in targets
    ]


def enqueue_digests(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Queue the digest of each Working Day due by now (once per channel)."""
    surfaces = set(ctx.senders) & set(SUPPORTED_SURFACES)
    enqueued = 0
    with transaction(ctx.sessions) as session:
        if not _recipients(session, surfaces, weekly=True):
            return {"enqueued": 0}
        horizon = timedelta(days=ctx.policy.horizon_days())
        first = (now - ctx.rules.lookback).date()
        snapshot, calendar = load_snapshot(
            session, start=first, end=(now + horizon).date(), as_of=now.date()
        )
        day = _digest_day(calendar, now, ctx)
        if day is None:
            return {"enqueued": 0}
        targets = _recipients(session, surfaces, weekly=first_of_week(calendar, day))
        if not targets:
            return {"enqueued": 0}
        until = calendar.add_working_days(day, ctx.rules.digest_days)
        events = events_between(snapshot, calendar, day, until, ctx.policy)
        if events:
            rows = _digest_rows(ctx, day, until, events, targets)
            enqueued = enqueue_deliveries(session, rows=rows, now=ctx.wall_clock())
    return {"enqueued": enqueued}
