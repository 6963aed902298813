"""The store revision: one counter that every write of facts bumps, in the writer's transaction.

Answers are cached by revision (bot.answer_cache), so the counter must never lag a write. No
writer calls it: ``install`` puts Session events on the session factory (``storage.db``), and a
transaction that added, changed or deleted a row of any table not listed in ``BOOKKEEPING``
(through the unit of work or an ORM ``insert``/``update``/``delete``) bumps the counter just
before it commits. The new revision becomes visible with the data in the same commit, so a
reader that sees revision N sees every write that N counts.

Bookkeeping tables are written on nearly every request or delivery and no shareable answer reads
them; a new table bumps the revision unless it is added here on purpose.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DDL, BigInteger, DateTime, Integer, event, select, text, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, sessionmaker
from sqlalchemy.sql.dml import UpdateBase

from storage.base import Base

ROW_ID = 1
BOOKKEEPING = frozenset(
    {
        "store_revision",
        "deliveries",  # the outbox: every reminder sent
        "job_runs",
        "slack_event_receipts",  # event de-duplication, per event
        "slack_request_receipts",  # replay receipts, per request
        "change_threads",  # where a change notice was threaded
        "teams_conversations",  # conversation references, per Teams activity
        "trackers",  # where a live tracker is and what it last showed (rewritten by the worker)
    }
)
_WRITTEN = "secbot.store_written"


class StoreRevision(Base):
    """The single row (id 1) holding the store's revision."""

    __tablename__ = "store_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# A schema made from the models (tests, create_all) gets its row as the migration gives it one.
event.listen(
    StoreRevision.__table__,
    "after_create",
    DDL(f"INSERT INTO store_revision (id, value) VALUES ({ROW_ID}, 0)"),
)

_READ = select(StoreRevision.value).where(StoreRevision.id == ROW_ID)


def current(session: Session) -> int:
    """The store's revision now: one primary-key read (0 for a store never written)."""
    value = session.connection().execute(_READ).scalar()
    return int(value or 0)


def bump(session: Session) -> None:
    """Count one more write; part of the session's transaction."""
    conn = session.connection()
    now = datetime.now(UTC)
    done = conn.execute(
        update(StoreRevision)
        .where(StoreRevision.id == ROW_ID)
        .values(value=StoreRevision.value + 1, changed_at=now)
    )
    if done.rowcount == 0:  # a store whose row went missing: start it again
        conn.execute(
            text("INSERT INTO store_revision (id, value, changed_at) VALUES (:id, 1, :now)"),
            {"id": ROW_ID, "now": now},
        )


def _counts(obj: object) -> bool:
    table = getattr(type(obj), "__table__", None)
    return table is None or table.name not in BOOKKEEPING


def _pending_facts(session: Session) -> bool:
    return any(_counts(obj) for obj in (*session.new, *session.deleted)) or any(
        _counts(obj) and session.is_modified(obj) for obj in session.dirty
    )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if not session.info.get(_WRITTEN) and _pending_facts(session):
        session.info[_WRITTEN] = True


def _on_execute(state: ORMExecuteState) -> None:
    statement = state.statement
    if isinstance(statement, UpdateBase):
        table = getattr(statement, "table", None)
        if getattr(table, "name", None) not in BOOKKEEPING:
            state.session.info[_WRITTEN] = True


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer commit counts it
    if session.info.pop(_WRITTEN, False) or _pending_facts(session):
        bump(session)


def _forget(session: Session, *_args: Any) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_WRITTEN, None)


def install(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Make every session of this factory bump the revision when it writes facts."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "do_orm_execute", _on_execute)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_rollback", _forget)
    return factory
