"""Change events: the applied changes people care about, waiting to be told (issue 13 item 5).

One row per change event. Its ``event_key`` is a digest of what changed (and in which document
and sync run), so recording the same change twice adds nothing. ``told_at`` is set when the
notices job has planned the event's deliveries into the outbox; a baseline event (a site's first
sync) is recorded as already told, so nobody hears of it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.tenancy_models import workspace_column
from storage.types import UtcDateTime


class ChangeEvent(Base):
    """One applied change that becomes a notification (or, as a baseline, does not)."""

    __tablename__ = "change_events"
    __table_args__ = (
        UniqueConstraint("event_key", name="uq_change_events_event_key"),
        Index("ix_change_events_told_at_id", "told_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(64))
    # One of storage.changes.EVENT_KINDS.
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str | None] = mapped_column(String(20), index=True)
    release: Mapped[str | None] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    # The sync run that applied it (storage.site_models), None for a paper ingested by hand.
    sync_run_id: Mapped[int | None] = mapped_column(Integer)
    baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    told_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ThreadParent(Base):
    """The Slack message that heads a modification's thread in one channel of one workspace."""

    __tablename__ = "change_threads"
    __table_args__ = (
        UniqueConstraint(
            "workspace", "surface", "channel", "ref", name="uq_change_threads_channel_ref"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A ts is only good in the workspace it was posted in (a DM's user id can span several).
    workspace: Mapped[str] = workspace_column()
    surface: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(200))
    ref: Mapped[str] = mapped_column(String(20))
    # The parent's ts (thread_ts for replies; the message chat.update rewrites).
    message_ts: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # False: a person's thread that a channel subscribed in (`@secbot subscribe MP159` typed
    # there): notices reply in it, but its first message is theirs, never rewritten (0011).
    ours: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
