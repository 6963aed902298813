"""Link unfurls in the store: a channel's on/off choice, and at most one unfurl per link per
channel in a period (the slot is taken with a guarded write, so two web processes racing on
the same link_shared event unfurl it once)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.surface_models import ChannelUnfurls, UnfurlSeen
from storage.tenancy_models import DEFAULT_WORKSPACE
from storage.upserts import dialect_insert

MAX_URL = 500


def unfurls_enabled(session: Session, *, surface: str, channel: str) -> bool:
    stmt = select(ChannelUnfurls.enabled).where(
        ChannelUnfurls.surface == surface, ChannelUnfurls.channel == channel
    )
    found = session.scalars(stmt).first()
    return True if found is None else bool(found)


def set_unfurls(
    session: Session,
    *,
    surface: str,
    channel: str,
    enabled: bool,
    actor: str | None,
    at: datetime,
    workspace: str | None = None,
) -> bool:
    """Turn a channel's unfurls on or off; returns whether that changed anything."""
    row = session.scalars(
        select(ChannelUnfurls).where(
            ChannelUnfurls.surface == surface, ChannelUnfurls.channel == channel
        )
    ).first()
    before = True if row is None else row.enabled
    if row is None:
        row = ChannelUnfurls(
            surface=surface, channel=channel, workspace=workspace or DEFAULT_WORKSPACE
        )
        session.add(row)
    row.enabled, row.changed_by, row.updated_at = enabled, actor, at
    session.flush()
    return before != enabled


def take_unfurl_slot(
    session: Session,
    *,
    channel: str,
    url: str,
    now: datetime,
    every: timedelta,
    workspace: str | None = None,
) -> bool:
    """True when the link may be unfurled in the channel now (and the slot is taken)."""
    url = url[:MAX_URL]
    insert = dialect_insert(session.get_bind().dialect.name)  # loads only that dialect
    stmt = (
        insert(UnfurlSeen)
        .values(channel=channel, url=url, last_at=now, workspace=workspace or DEFAULT_WORKSPACE)
        .on_conflict_do_nothing(index_elements=["channel", "url"])
        .returning(UnfurlSeen.id)
    )
    if session.scalars(stmt).first() is not None:
        return True
    taken = session.execute(
        update(UnfurlSeen)
        .where(
            UnfurlSeen.channel == channel,
            UnfurlSeen.url == url,
            UnfurlSeen.last_at <= now - every,
        )
        .values(last_at=now)
    )
    return bool(getattr(taken, "rowcount", 0))
