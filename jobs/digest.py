"""The daily digest: at 09:00 on each Working Day, the SEC dates of the next five Working Days.

It goes to channels subscribed to topic ``all`` (and to a ``digest`` topic, should one be
added), through the outbox like any reminder (key "digest:daily:<day>"), so it is sent once, late
within 24 h, or recorded as skipped. A day with nothing coming up sends no digest.
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


def digest_key(day: date) -> str:
    return f"digest:daily:{day.isoformat()}"


def _digest_days(calendar: WorkingCalendar, now: datetime, ctx: JobContext) -> list[date]:
    """Working Days whose 09:00 lies in the lookback window up to now."""
    first = (now - ctx.rules.lookback).date()
    days = (first + timedelta(days=n) for n in range((now.date() - first).days + 1))
    return [
        d
        for d in days
        if calendar.is_working_day(d)
        and now - ctx.rules.lookback <= at_london(d, ctx.policy.hour) <= now
    ]


def _recipients(session: Session, surfaces: set[str]) -> list[tuple[str, str]]:
    stmt = select(Subscription.surface, Subscription.channel).where(
        Subscription.topic.in_(DIGEST_TOPICS), Subscription.surface.in_(surfaces)
    )
    return sorted({(surface, channel) for surface, channel in session.execute(stmt)})


def _context(day: date, until: date, events: list[Event]) -> dict[str, Any]:
    items = [{**e.context, "kind": e.kind, "target": e.target} for e in events]
    return {"kind": "digest", "day": day, "until": until, "events": items}


def enqueue_digests(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Queue the digest of each Working Day due by now (once per channel)."""
    surfaces = set(ctx.senders) & set(SUPPORTED_SURFACES)
    enqueued = 0
    with transaction(ctx.sessions) as session:
        targets = _recipients(session, surfaces)
        if not targets:
            return {"enqueued": 0}
        horizon = timedelta(days=ctx.policy.horizon_days())
        first = (now - ctx.rules.lookback).date()
        snapshot, calendar = load_snapshot(
            session, start=first, end=(now + horizon).date(), as_of=now.date()
        )
        for day in _digest_days(calendar, now, ctx):
            until = calendar.add_working_days(day, ctx.rules.digest_days)
            events = events_between(snapshot, calendar, day, until, ctx.policy)
            if not events:
                continue
            due_at, key = at_london(day, ctx.policy.hour), digest_key(day)
            context = _context(day, until, events)
            payload = build_payload(ctx.render, template="digest", surface="slack", key=key,
                                    due_at=due_at, context=context)  # fmt: skip
            rows = [NewDelivery(key, "digest", surface, channel, due_at, payload)
                    for surface, channel in targets]  # fmt: skip
            enqueued += enqueue_deliveries(session, rows=rows, now=ctx.wall_clock())
    return {"enqueued": enqueued}
