"""Slack thread parents of change notices: one thread per (channel, modification).

The first notice about a modification in a channel is posted as a message and becomes the
thread's parent; later notices reply in its thread and the parent is rewritten with the latest
state. The parent's ts is stored here, keyed by the outbox recipient (a channel id, or a user id
for a direct message) and the thread's subject (a reference, or "release:<name>").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from sec.timefmt import now
from storage.change_event_models import ThreadParent
from storage.db import transaction


def get_parent(session: Session, *, surface: str, channel: str, ref: str) -> str | None:
    """The parent's ts, or None when the thread has not started."""
    stmt = select(ThreadParent.message_ts).where(
        ThreadParent.surface == surface, ThreadParent.channel == channel, ThreadParent.ref == ref
    )
    return session.scalar(stmt)


def set_parent(
    session: Session, *, surface: str, channel: str, ref: str, ts: str, at: datetime
) -> str:
    """Record a thread's parent; the first one recorded is kept. Returns the parent's ts."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(ThreadParent)
        .values(
            surface=surface, channel=channel, ref=ref, message_ts=ts, created_at=at, updated_at=at
        )
        .on_conflict_do_nothing(index_elements=["surface", "channel", "ref"])
    )
    session.execute(stmt)
    kept = get_parent(session, surface=surface, channel=channel, ref=ref)
    return kept or ts


def forget_parent(session: Session, *, surface: str, channel: str, ref: str) -> None:
    """The parent is gone (deleted in Slack): the next notice starts a new thread."""
    row = session.scalar(
        select(ThreadParent).where(
            ThreadParent.surface == surface,
            ThreadParent.channel == channel,
            ThreadParent.ref == ref,
        )
    )
    if row is not None:
        session.delete(row)


class ThreadBook:
    """What a sender thread uses: each call in its own short transaction."""

    def __init__(self, sessions: sessionmaker[Session], surface: str = "slack") -> None:
        self.sessions, self.surface = sessions, surface

    def parent(self, channel: str, ref: str) -> str | None:
        with transaction(self.sessions) as session:
            return get_parent(session, surface=self.surface, channel=channel, ref=ref)

    def remember(self, channel: str, ref: str, ts: str) -> str:
        with transaction(self.sessions) as session:
            return set_parent(
                session, surface=self.surface, channel=channel, ref=ref, ts=ts, at=now()
            )

    def touch(self, channel: str, ref: str) -> None:
        """Note that the parent was rewritten now."""
        with transaction(self.sessions) as session:
            row = session.scalar(
                select(ThreadParent).where(
                    ThreadParent.surface == self.surface,
                    ThreadParent.channel == channel,
                    ThreadParent.ref == ref,
                )
            )
            if row is not None:
                row.updated_at = now()

    def forget(self, channel: str, ref: str) -> None:
        with transaction(self.sessions) as session:
            forget_parent(session, surface=self.surface, channel=channel, ref=ref)
