"""Per-person and per-channel settings of the chat surfaces (issue 17 items 4 and 6).

``QuietHours``: a person's working hours for direct messages (none stored: the default
08:00-18:00 London on Working Days). ``ChannelUnfurls``: a channel that turned link unfurls
off. ``UnfurlSeen``: when a link was last unfurled in a channel, so it is unfurled at most once
in 30 minutes there.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.tenancy_models import workspace_column
from storage.types import UtcDateTime


class QuietHours(Base):
    """One person's window ("09:00", "17:30"), or ``enabled`` False: messages any time."""

    __tablename__ = "quiet_hours"
    __table_args__ = (UniqueConstraint("surface", "user_id", name="uq_quiet_hours_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    surface: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[str] = mapped_column(String(200))
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    workspace: Mapped[str] = workspace_column()


class ChannelUnfurls(Base):
    """A channel's unfurl choice; no row means unfurls are on."""

    __tablename__ = "channel_unfurls"
    __table_args__ = (UniqueConstraint("surface", "channel", name="uq_channel_unfurls_channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    surface: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    workspace: Mapped[str] = workspace_column()


class UnfurlSeen(Base):
    """The last time a link was unfurled in a channel (taken with a guarded write)."""

    __tablename__ = "unfurls_seen"
    __table_args__ = (UniqueConstraint("channel", "url", name="uq_unfurls_seen_link"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    last_at: Mapped[datetime] = mapped_column(UtcDateTime())
    workspace: Mapped[str] = workspace_column()
