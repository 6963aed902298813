"""Papers an administrator sent in chat, waiting for Apply or Discard.

A ``PendingIngest`` keeps the change set exactly as it was extracted (``ChangeSet.to_json()``), so
Apply writes what the administrator reviewed even if the file is gone from Slack by then. Its
``state`` moves once, from pending to applied, discarded or expired (after seven days); the move
is a conditional UPDATE, so a second click or a Slack retry finds it already made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.tenancy_models import workspace_column
from storage.types import UtcDateTime

PENDING, APPLIED, DISCARDED, EXPIRED = "pending", "applied", "discarded", "expired"
INGEST_STATES = (PENDING, APPLIED, DISCARDED, EXPIRED)


class PendingIngest(Base):
    """One paper read from chat and shown as a diff, not yet written to the store."""

    __tablename__ = "pending_ingests"
    __table_args__ = (Index("ix_pending_ingests_state_created_at", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checksum: Mapped[str] = mapped_column(String(64))  # SHA-256 of the file's bytes
    file_name: Mapped[str] = mapped_column(String(300))
    # Where the file came from (a Slack permalink or the URL): the provenance Apply records.
    source: Mapped[str] = mapped_column(String(500))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    requested_by: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(100))
    # The diff message (null when it went out ephemerally, which has no ts).
    message_ts: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(12), default=PENDING)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # What Apply did ("12 additions, 3 updates, …"), for a later click to repeat.
    outcome: Mapped[str | None] = mapped_column(Text)
    # The workspace it was offered in: only that workspace's administrators may decide it.
    workspace: Mapped[str] = workspace_column()
