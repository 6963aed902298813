"""Live trackers (issue 17 item 2): a channel canvas, or one pinned message, that secbot keeps
current with a release's scope, a person's modifications, or a list.

One row per (surface, channel, target). ``form`` is "canvas" until Slack says canvases are not
available there, then "pinned"; ``canvas_id`` / ``message_ts`` are what secbot rewrites.
``digest`` is the SHA-256 of the content last queued, so a change set rewrites it once and an
unchanged store never does; ``revision_seen`` and ``day_seen`` let the job skip trackers when
neither the store (storage.revision) nor the London day has moved.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.tenancy_models import workspace_column
from storage.types import UtcDateTime

CANVAS, PINNED = "canvas", "pinned"


class Tracker(Base):
    """A live tracker in one channel."""

    __tablename__ = "trackers"
    __table_args__ = (
        UniqueConstraint("surface", "channel", "target", name="uq_trackers_channel_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    surface: Mapped[str] = mapped_column(String(10), default="slack")
    channel: Mapped[str] = mapped_column(String(200), index=True)
    # What it tracks, as the command said it: "release Nov 2022", "mine", "list stage:report".
    target: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str | None] = mapped_column(String(100))  # who asked (whose "mine")
    form: Mapped[str] = mapped_column(String(10), default=CANVAS)  # canvas | pinned
    # Why the canvas form was given up ("free_teams_cannot_create_non_tab_canvases", ...).
    form_reason: Mapped[str | None] = mapped_column(String(80))
    canvas_id: Mapped[str | None] = mapped_column(String(40))
    message_ts: Mapped[str | None] = mapped_column(String(40))
    digest: Mapped[str | None] = mapped_column(String(64))
    revision_seen: Mapped[int] = mapped_column(BigInteger, default=-1)
    day_seen: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    workspace: Mapped[str] = workspace_column()
