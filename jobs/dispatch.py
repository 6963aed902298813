"""Claim due outbox rows and send them, one thread per channel.

Each run: rows another claimer abandoned in "sending" go back to pending; never-tried rows more
than 24 h overdue become skipped; due rows are claimed (pending -> sending, committed) before
anything is posted; each channel's rows go out from their own thread, paced, within a time
budget, and each result is recorded at once in its own transaction. A row sent more than
``late_after`` past its due time is marked late_sent (and says so).
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from jobs.context import JobContext, SendResult
from jobs.plan import enqueue_due
from sec.timefmt import uk_datetime
from storage.db import transaction
from storage.outbox import (
    ClaimedDelivery,
    claim_due,
    mark_dead,
    mark_retry,
    mark_sent,
    mark_skipped,
    mark_unclaimed,
    release_orphans,
    skip_overdue,
)

log = logging.getLogger(__name__)

MAX_THREADS = 16
MAX_BATCHES = 20


def dispatch_due(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Send every row due by now; returns counts by outcome."""
    counts: Counter[str] = Counter()
    with transaction(ctx.sessions) as session:
        stale = ctx.wall_clock() - ctx.rules.orphan_after
        counts["recovered"] = release_orphans(
            session, claimed_before=stale, other_than=ctx.worker_id if ctx.exclusive else None
        )
        counts["skipped"] += skip_overdue(
            session,
            due_before=now - ctx.rules.catch_up,
            reason=f"missed: more than {_hours(ctx)} h late when the worker ran at "
            f"{uk_datetime(now)}",
        )
    for _ in range(MAX_BATCHES):
        with transaction(ctx.sessions) as session:
            claimed = claim_due(
                session,
                now=now,
                worker_id=ctx.worker_id,
                claimed_at=ctx.wall_clock(),
                surfaces=ctx.senders.keys(),
                limit=ctx.rules.batch,
            )
        if not claimed:
            break
        counts.update(_send_batch(ctx, claimed, now))
        if len(claimed) < ctx.rules.batch:
            break
    return {k: v for k, v in counts.items() if v}


def _hours(ctx: JobContext) -> int:
    return int(ctx.rules.catch_up.total_seconds() // 3600)


def _send_batch(ctx: JobContext, claimed: list[ClaimedDelivery], now: datetime) -> Counter[str]:
    by_channel: dict[tuple[str, str], list[ClaimedDelivery]] = defaultdict(list)
    for row in claimed:
        by_channel[(row.surface, row.recipient)].append(row)
    totals: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=min(MAX_THREADS, len(by_channel))) as pool:
        for result in pool.map(lambda rows: _send_channel(ctx, rows, now), by_channel.values()):
            totals.update(result)
    return totals


def _send_channel(ctx: JobContext, rows: list[ClaimedDelivery], now: datetime) -> Counter[str]:
    """One channel's rows in order; rows left when the budget runs out wait for the next run."""
    counts: Counter[str] = Counter()
    started = time.monotonic()
    for row in rows:
        if time.monotonic() - started > ctx.rules.channel_budget:
            with transaction(ctx.sessions) as session:
                mark_unclaimed(session, delivery_id=row.id, worker_id=ctx.worker_id)
            counts["deferred"] += 1
            continue
        counts[_send_one(ctx, row, now)] += 1
    return counts


def _send_one(ctx: JobContext, row: ClaimedDelivery, now: datetime) -> str:
    overdue = now - row.due_at
    sender = ctx.senders[row.surface]
    try:
        result = sender.send(
            row, late=overdue > ctx.rules.late_after, too_old=overdue > ctx.rules.catch_up
        )
    except Exception as exc:  # an unknown outcome: retried, and looked for first
        log.exception("sending %s to %s failed", row.reminder_key, row.recipient)
        result = SendResult("retry", error=f"{type(exc).__name__}: {exc}")
    return _record(ctx, row, result, now)


def _record(ctx: JobContext, row: ClaimedDelivery, result: SendResult, now: datetime) -> str:
    """Write the outcome; returns the state the row ended in."""
    rules = ctx.rules
    state: str = result.outcome
    with transaction(ctx.sessions) as session:
        row_id, me = row.id, ctx.worker_id
        if result.outcome == "sent":
            late = now - row.due_at > rules.late_after
            state = "late_sent" if late else "sent"
            mark_sent(
                session, delivery_id=row_id, worker_id=me, ts=result.ts or "", at=now, late=late
            )
        elif result.outcome == "skipped":
            mark_skipped(
                session, delivery_id=row_id, worker_id=me, reason=result.error or "skipped"
            )
        elif result.outcome == "dead" or row.attempts >= rules.max_attempts:
            state = "dead"
            mark_dead(session, delivery_id=row_id, worker_id=me, error=_dead_reason(row, result))
        else:
            delay = rules.retry_delay(row.attempts, result.retry_after)
            mark_retry(
                session,
                delivery_id=row_id,
                worker_id=me,
                error=result.error or "retry",
                retry_at=now + delay,
            )
    _log(row, state, result)
    return state


def _dead_reason(row: ClaimedDelivery, result: SendResult) -> str:
    if result.outcome == "dead":
        return result.error or "dead"
    return f"gave up after {row.attempts} tries: {result.error}"


def _log(row: ClaimedDelivery, state: str, result: SendResult) -> None:
    level = logging.WARNING if state in ("dead", "retry", "skipped") else logging.INFO
    log.log(
        level,
        "%s -> %s/%s: %s%s",
        row.reminder_key,
        row.surface,
        row.recipient,
        state,
        f" ({result.error})" if result.error else "",
    )


def reminders_job(ctx: JobContext, now: datetime) -> dict[str, int]:
    """The every-minute job: queue what has fallen due, then send every due row."""
    counts = enqueue_due(ctx, now)
    counts.update(dispatch_due(ctx, now))
    return counts
