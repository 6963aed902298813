"""Subscriptions: which channel or person wants reminders about which topic.

Every subscription belongs to a workspace (storage.tenancy_models): each function reads and
changes only the workspace it is given ("default" unless told), so one workspace can neither
see nor change another's.

One row per (workspace, surface, channel, topic, value): subscribing twice keeps one row, and
the insert ignores a conflict instead of failing, so two people subscribing at once cannot both
error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import Subscription
from storage.tenancy_models import DEFAULT_WORKSPACE
from storage.upserts import insert_ignoring_conflicts

# topic: all | meetings | deadlines | ref (value: "MP159") | release (value: "February 2022")
# | changes (every change notice: jobs/change_notices.py)
# | weekly (the digest on the first Working Day of each week only: jobs/digest.py)
TOPICS = ("all", "meetings", "deadlines", "ref", "release", "changes", "weekly")


def get_subscription(
    session: Session,
    *,
    surface: str,
    channel: str,
    topic: str,
    value: str = "",
    workspace: str = DEFAULT_WORKSPACE,
) -> Subscription | None:
    """The subscription with exactly this key, if any."""
    stmt = select(Subscription).where(
        Subscription.workspace == workspace,
        Subscription.surface == surface,
        Subscription.channel == channel,
        Subscription.topic == topic,
        Subscription.value == value,
    )
    return session.scalar(stmt)


def create_subscription(
    session: Session,
    *,
    surface: str,
    channel: str,
    topic: str,
    value: str = "",
    created_by: str | None,
    at: datetime,
    workspace: str = DEFAULT_WORKSPACE,
) -> tuple[Subscription, bool]:
    """Subscribe; returns the row and whether it is new (False: it already existed)."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    values: dict[str, Any] = {
        "surface": surface,
        "channel": channel,
        "topic": topic,
        "value": value,
        "created_by": created_by,
        "created_at": at,
        "workspace": workspace,
    }
    dialect = session.get_bind().dialect.name
    stmt = insert_ignoring_conflicts(dialect, Subscription, **values)
    # RETURNING gives a row only when one was inserted (rowcount is not reliable here).
    created = session.execute(stmt.returning(Subscription.id)).first() is not None
    row = get_subscription(
        session, surface=surface, channel=channel, topic=topic, value=value, workspace=workspace
    )
    assert row is not None  # inserted now or earlier
    return row, created


def delete_subscription(
    session: Session,
    *,
    surface: str,
    channel: str,
    topic: str,
    value: str = "",
    workspace: str = DEFAULT_WORKSPACE,
) -> bool:
    """Unsubscribe; False when there was no such subscription."""
    stmt = delete(Subscription).where(
        Subscription.workspace == workspace,
        Subscription.surface == surface,
        Subscription.channel == channel,
        Subscription.topic == topic,
        Subscription.value == value,
    )
    return bool(getattr(session.execute(stmt), "rowcount", 0))


def list_subscriptions(
    session: Session,
    *,
    surface: str | None = None,
    channel: str | None = None,
    topic: str | None = None,
    workspace: str | None = DEFAULT_WORKSPACE,
) -> list[Subscription]:
    """A workspace's subscriptions (every workspace's: workspace=None, for planning),
    optionally for one surface, channel or topic, oldest first."""
    stmt = select(Subscription).order_by(Subscription.created_at, Subscription.id)
    if workspace is not None:
        stmt = stmt.where(Subscription.workspace == workspace)
    if surface is not None:
        stmt = stmt.where(Subscription.surface == surface)
    if channel is not None:
        stmt = stmt.where(Subscription.channel == channel)
    if topic is not None:
        stmt = stmt.where(Subscription.topic == topic)
    return list(session.scalars(stmt))
