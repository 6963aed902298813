"""The delivery outbox: one row per reminder and recipient, written before anything is sent.

A row's unique key (reminder key, surface, recipient) is what makes a reminder go out once:
planning inserts rows with ON CONFLICT DO NOTHING, and a sender claims a row (pending ->
sending) before it posts. States (DeliveryState): pending, sending, sent, late_sent, skipped,
dead; stored as those strings.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from storage.base import Base
from storage.tenancy_models import workspace_column
from storage.types import UtcDateTime


class DeliveryState(StrEnum):
    """Where a delivery is: waiting, being sent by a worker, or finished one way or another."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker (claimed_by), being posted
    SENT = "sent"
    LATE_SENT = "late_sent"  # sent, but later than the late rule allows (said so in the text)
    SKIPPED = "skipped"  # too late to be worth sending
    DEAD = "dead"  # given up; an administrator can requeue it


DELIVERY_STATES = tuple(DeliveryState)
FINAL_STATES = (
    DeliveryState.SENT,
    DeliveryState.LATE_SENT,
    DeliveryState.SKIPPED,
    DeliveryState.DEAD,
)


class DeliveryStateType(TypeDecorator[DeliveryState]):
    """A DeliveryState kept as its string (VARCHAR(12), as before the enum): an unknown value
    is refused when written, and rows read back as members."""

    impl = String(12)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else DeliveryState(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> DeliveryState | None:
        return None if value is None else DeliveryState(value)


class Delivery(Base):
    """One reminder (or digest) for one recipient on one surface."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("reminder_key", "surface", "recipient", name="uq_deliveries_key"),
        Index("ix_deliveries_state_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    surface: Mapped[str] = mapped_column(String(10))
    # A Slack channel or user id (a user id means a direct message).
    recipient: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # {"text": ..., "blocks": [...], "metadata": {"event_type": ..., "event_payload": {...}}}
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[DeliveryState] = mapped_column(DeliveryStateType(), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Held for the recipient's quiet hours (jobs.quiet): not claimed before this time, and
    # counted late or too old from it rather than from due_at.
    not_before: Mapped[datetime | None] = mapped_column(UtcDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    # Wall-clock time of the claim: how long a row has sat in "sending".
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The scheduler's clock (``--at`` when simulating) when Slack accepted the message.
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The workspace whose token sends it (storage.tenancy_models); Slack and Teams ids are
    # unique across workspaces, so the unique key above needs no workspace.
    workspace: Mapped[str] = workspace_column()


class JobRun(Base):
    """The last run of each scheduled job: planning looks back to the last good one."""

    __tablename__ = "job_runs"

    job_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    # The scheduler's clock of the last successful run (``--at`` when simulating).
    last_ok_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
