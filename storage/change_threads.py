"""Slack thread parents of change notices: one thread per (workspace, channel, modification).

The first notice about a modification in a channel is posted as a message and becomes the
thread's parent; later notices reply in its thread and the parent is rewritten with the latest
state. The parent's ts is stored here, keyed by the outbox recipient (a channel id, or a user id
for a direct message), the thread's subject (a reference, or "release:<name>") and the workspace
the delivery went out in: a ts is only good in its own workspace (an Enterprise Grid user id
spans several, each with its own DM channel).
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
from storage.tenancy_models import DEFAULT_WORKSPACE


def _where(surface: str, channel: str, ref: str, workspace: str) -> tuple:
    return (
        ThreadParent.workspace == workspace,
        ThreadParent.surface == surface,
        ThreadParent.channel == channel,
        ThreadParent.ref == ref,
    )


def get_parent(
    session: Session,
    *,
    surface: str,
    channel: str,
    ref: str,
    workspace: str = DEFAULT_WORKSPACE,
) -> str | None:
    """The parent's ts, or None when the thread has not started (in that workspace)."""
    stmt = select(ThreadParent.message_ts).where(*_where(surface, channel, ref, workspace))
    return session.scalar(stmt)


def set_parent(
    session: Session,
    *,
    surface: str,
    channel: str,
    ref: str,
    ts: str,
    at: datetime,
    workspace: str = DEFAULT_WORKSPACE,
) -> str:
    """Record a thread's parent; the first one recorded is kept. Returns the parent's ts."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(ThreadParent)
        .values(
            workspace=workspace,
            surface=surface,
            channel=channel,
            ref=ref,
            message_ts=ts,
            created_at=at,
            updated_at=at,
        )
        .on_conflict_do_nothing(index_elements=["workspace", "surface", "channel", "ref"])
    )
    session.execute(stmt)
    kept = get_parent(session, surface=surface, channel=channel, ref=ref, workspace=workspace)
    return kept or ts


def adopt_thread(
    session: Session,
    *,
    surface: str,
    channel: str,
    ref: str,
    ts: str,
    workspace: str = DEFAULT_WORKSPACE,
) -> None:
    """A person's thread becomes the subject's thread in this channel (subscribed in there);
    its first message is theirs, so it is never rewritten."""
    forget_parent(session, surface=surface, channel=channel, ref=ref, workspace=workspace)
    session.flush()
    at = now()
    session.add(
        ThreadParent(
            workspace=workspace,
            surface=surface,
            channel=channel,
            ref=ref,
            message_ts=ts,
            created_at=at,
            updated_at=at,
            ours=False,
        )
    )


def forget_parent(
    session: Session,
    *,
    surface: str,
    channel: str,
    ref: str,
    workspace: str = DEFAULT_WORKSPACE,
) -> None:
    """The parent is gone (deleted in Slack): the next notice starts a new thread."""
    row = session.scalar(select(ThreadParent).where(*_where(surface, channel, ref, workspace)))
    if row is not None:
        session.delete(row)


class ThreadBook:
    """What a sender thread uses: each call in its own short transaction."""

    def __init__(self, sessions: sessionmaker[Session], surface: str = "slack") -> None:
        self.sessions, self.surface = sessions, surface

    def parent(self, channel: str, ref: str, workspace: str = DEFAULT_WORKSPACE) -> str | None:
        with transaction(self.sessions) as session:
            return get_parent(
                session, surface=self.surface, channel=channel, ref=ref, workspace=workspace
            )

    def remember(self, channel: str, ref: str, ts: str, workspace: str = DEFAULT_WORKSPACE) -> str:
        with transaction(self.sessions) as session:
            return set_parent(
                session,
                surface=self.surface,
                channel=channel,
                ref=ref,
                ts=ts,
                at=now(),
                workspace=workspace,
            )

    def touch(self, channel: str, ref: str, workspace: str = DEFAULT_WORKSPACE) -> None:
        """Note that the parent was rewritten now."""
        with transaction(self.sessions) as session:
            where = _where(self.surface, channel, ref, workspace)
            row = session.scalar(select(ThreadParent).where(*where))
            if row is not None:
                row.updated_at = now()

    def ours(self, channel: str, ref: str, workspace: str = DEFAULT_WORKSPACE) -> bool:
        """Whether secbot posted the thread's parent (so may rewrite it)."""
        with transaction(self.sessions) as session:
            where = _where(self.surface, channel, ref, workspace)
            found = session.scalar(select(ThreadParent.ours).where(*where))
            return found is not False

    def forget(self, channel: str, ref: str, workspace: str = DEFAULT_WORKSPACE) -> None:
        with transaction(self.sessions) as session:
            forget_parent(
                session, surface=self.surface, channel=channel, ref=ref, workspace=workspace
            )
