"""INSERT ... ON CONFLICT DO NOTHING for the store's dialect, loading only that dialect's module.

``sqlalchemy.dialects.postgresql`` alone costs a noticeable share of a command-line start-up on
SQLite (issue 16); the dialect in use is loaded by its engine anyway.
"""

from __future__ import annotations

from typing import Any


def insert_ignoring_conflicts(dialect: str, entity: Any, **values: Any) -> Any:
    """An INSERT of ``values`` that does nothing when a unique key already holds them."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(entity).values(**values).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(entity).values(**values).on_conflict_do_nothing()


def dialect_insert(dialect: str) -> Any:
    """The dialect's own ``insert`` (with ``on_conflict_do_nothing``/``_do_update``)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert
