"""Outbox queries: enqueue deliveries once, claim the due ones, record what happened.

Exactly once rests on two things here. Enqueueing is INSERT ... ON CONFLICT DO NOTHING on the
unique (reminder key, surface, recipient), so planning twice adds nothing. Claiming moves rows
from pending to sending in one guarded UPDATE (``WHERE state = 'pending'``); on PostgreSQL the
candidates are first locked with ``FOR UPDATE SKIP LOCKED`` so two dispatchers take different
rows instead of queueing behind each other. Every later mark is guarded by the claimer's id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.delivery_models import FINAL_STATES, Delivery, DeliveryState, JobRun
from storage.tenancy import workspaces_of_recipients
from storage.tenancy_models import DEFAULT_WORKSPACE


@dataclass(frozen=True)
class NewDelivery:
    """A row to enqueue: one reminder for one recipient."""

    reminder_key: str
    kind: str
    surface: str
    recipient: str
    due_at: datetime
    payload: dict[str, Any]
    # Whose token sends it; None: the workspace of the subscription or contact link naming the
    # recipient (storage.tenancy.workspaces_of_recipients), else the default workspace.
    workspace: str | None = None


@dataclass(frozen=True)
class ClaimedDelivery:
    """A claimed row, detached from any session so a sender thread may hold it."""

    id: int
    reminder_key: str
    kind: str
    surface: str
    recipient: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    workspace: str = DEFAULT_WORKSPACE
    # Held for quiet hours until then (storage.quiet_hours); lateness counts from it.
    not_before: datetime | None = None

    @property
    def effective_due(self) -> datetime:
        """When the row was due to go out: its due time, or the end of its hold."""
        return max(self.due_at, self.not_before) if self.not_before else self.due_at


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def enqueue_deliveries(session: Session, *, rows: Sequence[NewDelivery], now: datetime) -> int:
    """Insert the rows that are not there yet; returns how many were new."""
    if not rows:
        return 0
    values = [
        {**row.__dict__, "state": DeliveryState.PENDING, "attempts": 0, "created_at": now}
        for row in rows
    ]
    _fill_workspaces(session, values)
    insert = pg_insert if _dialect(session) == "postgresql" else sqlite_insert
    stmt = (
        insert(Delivery)
        .values(values)
        .on_conflict_do_nothing(index_elements=["reminder_key", "surface", "recipient"])
        .returning(Delivery.id)
    )
    return len(session.scalars(stmt).all())  # RETURNING lists only the rows inserted


def _fill_workspaces(session: Session, values: list[dict[str, Any]]) -> None:
    """Give each row without a workspace the one its recipient belongs to."""
    for surface in {v["surface"] for v in values if v["workspace"] is None}:
        unknown = [v for v in values if v["workspace"] is None and v["surface"] == surface]
        known = workspaces_of_recipients(
            session, surface=surface, recipients={v["recipient"] for v in unknown}
        )
        for value in unknown:
            value["workspace"] = known.get(value["recipient"], DEFAULT_WORKSPACE)


def list_delivery_keys(session: Session, *, due_from: datetime) -> set[tuple[str, str, str]]:
    """(reminder key, surface, recipient) of every row due on or after due_from."""
    stmt = select(Delivery.reminder_key, Delivery.surface, Delivery.recipient).where(
        Delivery.due_at >= due_from
    )
    return {(key, surface, recipient) for key, surface, recipient in session.execute(stmt)}


def skip_overdue(session: Session, *, due_before: datetime, reason: str) -> int:
    """Never-tried pending rows due before the cut-off become skipped, with the reason."""
    stmt = (
        update(Delivery)
        .where(
            Delivery.state == DeliveryState.PENDING,
            Delivery.attempts == 0,
            func.coalesce(Delivery.not_before, Delivery.due_at) < due_before,
        )
        .values(state=DeliveryState.SKIPPED, last_error=reason)
    )
    return int(getattr(session.execute(stmt), "rowcount", 0) or 0)


def release_orphans(
    session: Session, *, claimed_before: datetime, other_than: str | None = None
) -> int:
    """Rows a dead claimer left in sending go back to pending (their attempts kept).

    Rows claimed before ``claimed_before`` always; with ``other_than``, also every row claimed
    by anyone else, which only the holder of the worker lock may ask for (no one else is alive
    to be sending).
    """
    abandoned = Delivery.claimed_at < claimed_before
    if other_than is not None:
        abandoned = or_(abandoned, Delivery.claimed_by.is_(None), Delivery.claimed_by != other_than)
    stmt = (
        update(Delivery)
        .where(Delivery.state == DeliveryState.SENDING, abandoned)
        .values(state=DeliveryState.PENDING, next_attempt_at=None, claimed_by=None)
    )
    return int(getattr(session.execute(stmt), "rowcount", 0) or 0)


def claim_due(
    session: Session,
    *,
    now: datetime,
    worker_id: str,
    claimed_at: datetime,
    surfaces: Iterable[str],
    limit: int = 200,
) -> list[ClaimedDelivery]:
    """Claim up to ``limit`` due rows (pending -> sending) for this worker, oldest first."""
    candidates = (
        select(Delivery.id)
        .where(
            Delivery.state == DeliveryState.PENDING,
            Delivery.due_at <= now,
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            or_(Delivery.not_before.is_(None), Delivery.not_before <= now),
            Delivery.surface.in_(list(surfaces)),
        )
        .order_by(Delivery.due_at, Delivery.id)
        .limit(limit)
    )
    if _dialect(session) == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(session.scalars(candidates))
    if not ids:
        return []
    claim = (
        update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.state == DeliveryState.PENDING)
        .values(
            state=DeliveryState.SENDING,
            claimed_by=worker_id,
            claimed_at=claimed_at,
            attempts=Delivery.attempts + 1,
        )
        .returning(Delivery.id)
    )
    claimed = set(session.scalars(claim))
    rows = session.scalars(select(Delivery).where(Delivery.id.in_(claimed)))
    return sorted((_detached(row) for row in rows), key=lambda r: (r.due_at, r.id))


def _detached(row: Delivery) -> ClaimedDelivery:
    return ClaimedDelivery(
        id=row.id,
        reminder_key=row.reminder_key,
        kind=row.kind,
        surface=row.surface,
        recipient=row.recipient,
        due_at=row.due_at,
        payload=dict(row.payload),
        attempts=row.attempts,
        created_at=row.created_at,
        workspace=row.workspace,
        not_before=row.not_before,
    )


def _mark(session: Session, *, delivery_id: int, worker_id: str, **values: Any) -> bool:
    """Update a row this worker holds in sending; False when it no longer does."""
    stmt = (
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.state == DeliveryState.SENDING,
            Delivery.claimed_by == worker_id,
        )
        .values(**values)
    )
    return bool(getattr(session.execute(stmt), "rowcount", 0))


def mark_sent(
    session: Session, *, delivery_id: int, worker_id: str, ts: str, at: datetime, late: bool
) -> bool:
    """Slack accepted the message (or it was found there): sent, or late_sent."""
    state = DeliveryState.LATE_SENT if late else DeliveryState.SENT
    return _mark(
        session,
        delivery_id=delivery_id,
        worker_id=worker_id,
        state=state,
        message_ts=ts,
        sent_at=at,
        last_error=None,
    )


def mark_retry(
    session: Session, *, delivery_id: int, worker_id: str, error: str, retry_at: datetime
) -> bool:
    """Back to pending, not before retry_at."""
    return _mark(
        session,
        delivery_id=delivery_id,
        worker_id=worker_id,
        state=DeliveryState.PENDING,
        last_error=error,
        next_attempt_at=retry_at,
    )


def mark_unclaimed(session: Session, *, delivery_id: int, worker_id: str) -> bool:
    """Hand a claimed row back untried (its claim does not count as an attempt)."""
    return _mark(
        session,
        delivery_id=delivery_id,
        worker_id=worker_id,
        state=DeliveryState.PENDING,
        attempts=Delivery.attempts - 1,
        claimed_by=None,
    )


def mark_dead(session: Session, *, delivery_id: int, worker_id: str, error: str) -> bool:
    """Given up: listed by ``secbot deliveries --state dead``."""
    return _mark(
        session,
        delivery_id=delivery_id,
        worker_id=worker_id,
        state=DeliveryState.DEAD,
        last_error=error,
    )


def mark_skipped(session: Session, *, delivery_id: int, worker_id: str, reason: str) -> bool:
    """Too late to send, and not found among what was sent."""
    return _mark(
        session,
        delivery_id=delivery_id,
        worker_id=worker_id,
        state=DeliveryState.SKIPPED,
        last_error=reason,
    )


def list_deliveries(
    session: Session, *, state: DeliveryState | str | None = None, limit: int = 50
) -> list[Delivery]:
    """Deliveries, newest due first, optionally in one state."""
    stmt = select(Delivery).order_by(Delivery.due_at.desc(), Delivery.id.desc()).limit(limit)
    if state is not None:
        stmt = stmt.where(Delivery.state == DeliveryState(state))
    return list(session.scalars(stmt))


def count_deliveries(session: Session) -> dict[DeliveryState, int]:
    """How many rows are in each state."""
    stmt = select(Delivery.state, func.count()).group_by(Delivery.state)
    return {state: int(count) for state, count in session.execute(stmt)}


def requeue_delivery(session: Session, *, delivery_id: int) -> bool:
    """A dead row goes back to pending for one more try (it is looked for in Slack first)."""
    stmt = (
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.DEAD)
        .values(state=DeliveryState.PENDING, attempts=1, next_attempt_at=None, claimed_by=None)
    )
    return bool(getattr(session.execute(stmt), "rowcount", 0))


def purge_finished(session: Session, *, due_before: datetime) -> int:
    """Delete sent, late and skipped rows due before the cut-off (dead rows stay)."""
    done = [s for s in FINAL_STATES if s != DeliveryState.DEAD]
    stmt = delete(Delivery).where(Delivery.state.in_(done), Delivery.due_at < due_before)
    return int(getattr(session.execute(stmt), "rowcount", 0) or 0)


def get_job_run(session: Session, *, job_id: str) -> JobRun | None:
    return session.get(JobRun, job_id)


def record_job_run(
    session: Session,
    *,
    job_id: str,
    clock: datetime,
    started: datetime,
    finished: datetime,
    error: str | None,
) -> JobRun:
    """Note a run; ``clock`` is the scheduler's time, kept as last_ok_at when it succeeded."""
    run = session.get(JobRun, job_id, with_for_update=_dialect(session) == "postgresql")
    if run is None:
        run = JobRun(job_id=job_id, runs=0, failures=0)
        session.add(run)
    run.runs = (run.runs or 0) + 1
    run.last_started_at, run.last_finished_at, run.last_error = started, finished, error
    if error is None:
        if run.last_ok_at is None or clock > run.last_ok_at:
            run.last_ok_at = clock
    else:
        run.failures = (run.failures or 0) + 1
    return run
