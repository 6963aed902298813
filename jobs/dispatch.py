"""Claim due outbox rows and send them: one lane per recipient, a pool of threads.

Each run: rows another claimer abandoned in "sending" go back to pending; never-tried rows more
than 24 h overdue become skipped; due rows are claimed (pending -> sending, committed) before
anything is posted, a batch at a time as the lanes empty. Each recipient's rows wait in its
lane, in order; a pool of threads serves whichever lane's pacing slot has come (a sender's
``pace``: Slack's one message a second per channel), so a slow or rate-limited channel never
holds up another and no thread sleeps while another channel could be sent. A run stops taking
rows when its time budget is spent and hands the rest back for the next run. Each result is
recorded at once in its own transaction. A row sent more than ``late_after`` past its due time
is marked late_sent (and says so).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from jobs.context import JobContext, SendResult
from jobs.plan import enqueue_due
from jobs.quiet import hold_for_quiet_hours
from sec.timefmt import uk_datetime
from storage.db import transaction
from storage.delivery_models import DeliveryState
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
LOW_WATER = 200  # claim more rows while fewer wait: few claimed rows need a lookup after a crash
RAMP_AFTER, RAMP_STEP = 4, 0.002  # sending threads past the fourth start 2 ms apart
RECORD_BATCH = 100  # outcomes written per transaction, at most
RECORD_WAIT = 0.05  # seconds an outcome may wait for its transaction


def dispatch_due(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Send every row due by now, within the run's budget; returns counts by outcome."""
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
        # Direct messages due outside their recipient's working hours wait for the window.
        counts["held"] = hold_for_quiet_hours(session, now=now, surfaces=ctx.senders.keys())
    lanes = Lanes(deadline=time.monotonic() + ctx.rules.channel_budget)
    more = _claim_batch(ctx, lanes, now)
    threads = MAX_THREADS if more else min(MAX_THREADS, lanes.lanes())
    if threads:
        recorder = Recorder(ctx, now)
        try:
            counts.update(_send_lanes(ctx, lanes, recorder, now, threads=threads, more=more))
        finally:
            recorder.close()
    for row in lanes.leftovers():  # the budget ran out: the next run sends them
        with transaction(ctx.sessions) as session:
            mark_unclaimed(session, delivery_id=row.id, worker_id=ctx.worker_id)
        counts["deferred"] += 1
    return {k: v for k, v in counts.items() if v}


def _hours(ctx: JobContext) -> int:
    return int(ctx.rules.catch_up.total_seconds() // 3600)


def _send_lanes(
    ctx: JobContext, lanes: Lanes, recorder: Recorder, now: datetime, *, threads: int, more: bool
) -> Counter[str]:
    """Serve the lanes from a pool of threads, claiming more rows as they empty."""
    counts: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        workers = []
        for n in range(threads):
            if n >= RAMP_AFTER:  # a burst of new connections can overflow a listen backlog
                time.sleep(RAMP_STEP)
            workers.append(pool.submit(_serve_lanes, ctx, lanes, recorder, now))
        try:
            while more and not lanes.expired():
                lanes.wait_for_room(LOW_WATER)
                more = lanes.queued() >= LOW_WATER or _claim_batch(ctx, lanes, now)
        finally:
            lanes.close()
        for worker in workers:
            counts.update(worker.result())
    return counts


def _claim_batch(ctx: JobContext, lanes: Lanes, now: datetime) -> bool:
    """Claim a batch of due rows into the lanes; True when a full batch came (maybe more)."""
    with transaction(ctx.sessions) as session:
        claimed = claim_due(
            session,
            now=now,
            worker_id=ctx.worker_id,
            claimed_at=ctx.wall_clock(),
            surfaces=ctx.senders.keys(),
            limit=ctx.rules.batch,
        )
    lanes.add(claimed)
    return len(claimed) >= ctx.rules.batch


def _serve_lanes(ctx: JobContext, lanes: Lanes, recorder: Recorder, now: datetime) -> Counter[str]:
    """One sending thread: take whichever recipient's turn has come, send its next row."""
    counts: Counter[str] = Counter()
    while (row := lanes.take()) is not None:
        try:
            result, state = _send_one(ctx, row, now)
            recorder.put(row, result)
            counts[state] += 1
        finally:
            pace = float(getattr(ctx.senders[row.surface], "pace", 0.0))
            lanes.done(row, not_before=time.monotonic() + pace)
    return counts


class Lanes:
    """Claimed rows queued per recipient (a lane), served by a pool of threads.

    A lane is handed to one thread at a time, so its rows go in order, and not before its
    pacing slot, so no thread sleeps on a rate-limited channel while another channel could
    be sent. Rows still queued when the budget runs out are handed back by the dispatcher.
    """

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._cond = threading.Condition()
        self._queues: dict[tuple[str, str], deque[ClaimedDelivery]] = {}
        self._ready: list[tuple[float, int, tuple[str, str]]] = []  # (not before, seq, lane)
        self._busy: set[tuple[str, str]] = set()
        self._slots: dict[tuple[str, str], float] = {}  # lane -> its next pacing slot
        self._seq = itertools.count()
        self._count = 0
        self._closed = False

    def expired(self) -> bool:
        return time.monotonic() >= self.deadline

    def lanes(self) -> int:
        with self._cond:
            return len(self._queues)

    def queued(self) -> int:
        with self._cond:
            return self._count

    def add(self, rows: list[ClaimedDelivery]) -> None:
        with self._cond:
            for row in rows:
                lane = (row.surface, row.recipient)
                queue = self._queues.setdefault(lane, deque())
                if not queue and lane not in self._busy:
                    slot = self._slots.get(lane, 0.0)
                    heapq.heappush(self._ready, (slot, next(self._seq), lane))
                queue.append(row)
                self._count += 1
            self._cond.notify_all()

    def close(self) -> None:
        """No more rows will be added."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait_for_room(self, limit: int) -> None:
        """Until fewer than limit rows wait (or half a second passes)."""
        with self._cond:
            if self._count >= limit:
                self._cond.wait(0.5)

    def take(self) -> ClaimedDelivery | None:
        """The next row whose lane's turn has come; None when done or out of time."""
        with self._cond:
            while not self.expired():
                if self._ready:
                    before = time.monotonic()
                    if self._ready[0][0] > before:
                        self._cond.wait(self._ready[0][0] - before)
                        # Look again, unless the clock is frozen (a test): then the wait
                        # itself was the slot coming.
                        if time.monotonic() != before or not self._ready:
                            continue
                    _, _, lane = heapq.heappop(self._ready)
                    self._busy.add(lane)
                    self._count -= 1
                    self._cond.notify_all()
                    return self._queues[lane].popleft()
                if self._closed and not self._busy:
                    return None
                self._cond.wait(max(0.001, self.deadline - time.monotonic()))
            return None

    def done(self, row: ClaimedDelivery, *, not_before: float) -> None:
        """The thread is finished with the row's lane; its next row waits for not_before."""
        lane = (row.surface, row.recipient)
        with self._cond:
            self._busy.discard(lane)
            self._slots[lane] = not_before  # kept when the lane empties: more rows may come
            if self._queues.get(lane):
                heapq.heappush(self._ready, (not_before, next(self._seq), lane))
            else:
                self._queues.pop(lane, None)
            self._cond.notify_all()

    def leftovers(self) -> list[ClaimedDelivery]:
        with self._cond:
            rows = [row for queue in self._queues.values() for row in queue]
            self._queues.clear()
            self._ready.clear()
            self._count = 0
            return rows


def _send_one(ctx: JobContext, row: ClaimedDelivery, now: datetime) -> tuple[SendResult, str]:
    """Post (or find) one row; returns the sender's result and the state it leads to."""
    overdue = now - row.effective_due  # a row held for quiet hours is due when released
    sender = ctx.senders[row.surface]
    try:
        result = sender.send(
            row, late=overdue > ctx.rules.late_after, too_old=overdue > ctx.rules.catch_up
        )
    except Exception as exc:  # an unknown outcome: retried, and looked for first
        log.exception("sending %s to %s failed", row.reminder_key, row.recipient)
        result = SendResult("retry", error=f"{type(exc).__name__}: {exc}")
    return result, _state_for(ctx, row, result, now)


def _state_for(
    ctx: JobContext, row: ClaimedDelivery, result: SendResult, now: datetime
) -> DeliveryState | Literal["retry"]:
    """The state a result puts the row in ("retry": back to pending, later)."""
    if result.outcome == "sent":
        late = now - row.effective_due > ctx.rules.late_after
        return DeliveryState.LATE_SENT if late else DeliveryState.SENT
    if result.outcome == "skipped":
        return DeliveryState.SKIPPED
    if result.outcome == "dead" or row.attempts >= ctx.rules.max_attempts:
        return DeliveryState.DEAD
    return "retry"


def _write(
    session: Session, ctx: JobContext, row: ClaimedDelivery, result: SendResult, now: datetime
) -> None:
    """Record one outcome in the session's transaction (guarded by the claimer's id)."""
    row_id, me = row.id, ctx.worker_id
    state = _state_for(ctx, row, result, now)
    if state in (DeliveryState.SENT, DeliveryState.LATE_SENT):
        mark_sent(
            session,
            delivery_id=row_id,
            worker_id=me,
            ts=result.ts or "",
            at=now,
            late=state == DeliveryState.LATE_SENT,
        )
    elif state == DeliveryState.SKIPPED:
        mark_skipped(session, delivery_id=row_id, worker_id=me, reason=result.error or "skipped")
    elif state == DeliveryState.DEAD:
        mark_dead(session, delivery_id=row_id, worker_id=me, error=_dead_reason(row, result))
    else:
        delay = ctx.rules.retry_delay(row.attempts, result.retry_after)
        mark_retry(
            session,
            delivery_id=row_id,
            worker_id=me,
            error=result.error or "retry",
            retry_at=now + delay,
        )
    _log(row, state, result)


class Recorder:
    """Writes outcomes from one thread, up to RECORD_BATCH rows per transaction.

    A result waits at most RECORD_WAIT seconds before its transaction, so commits are shared
    by the sending threads instead of queueing one by one. Until it is written the row stays
    in sending: a crash in between is the case the history lookup exists for.
    """

    def __init__(self, ctx: JobContext, now: datetime) -> None:
        self.ctx, self.now = ctx, now
        self._queue: queue.SimpleQueue[tuple[ClaimedDelivery, SendResult] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._run, name="outbox-recorder", daemon=True)
        self._thread.start()

    def put(self, row: ClaimedDelivery, result: SendResult) -> None:
        self._queue.put((row, result))

    def close(self) -> None:
        """Write what is left and stop."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        closed = False
        while not closed:
            batch, closed = self._next_batch()
            if batch:
                self._flush(batch)

    def _next_batch(self) -> tuple[list[tuple[ClaimedDelivery, SendResult]], bool]:
        first = self._queue.get()
        if first is None:
            return [], True
        batch, until = [first], time.monotonic() + RECORD_WAIT
        while len(batch) < RECORD_BATCH:
            try:
                item = self._queue.get(timeout=max(0.0, until - time.monotonic()))
            except queue.Empty:
                break
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _flush(self, batch: list[tuple[ClaimedDelivery, SendResult]]) -> None:
        try:
            with transaction(self.ctx.sessions) as session:
                for row, result in batch:
                    _write(session, self.ctx, row, result, self.now)
        except Exception:  # left in sending: the lock holder's next run looks them up
            log.exception("recording %d outcomes failed", len(batch))


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
