"""The search indexes of migration 0003, seen from the code: their names, and how to find them.

The indexes live outside the models (an FTS5 table and its triggers on SQLite, pg_trgm GIN
indexes on PostgreSQL), so Alembic's model comparison is told to leave them alone, and the search
query asks whether the FTS5 table is there (a store made by ``create_all`` has none).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

FTS_TABLE = "modifications_search"
PREFIXES = ("search_", FTS_TABLE)
MIN_TRIGRAM = 3  # shorter terms cannot be looked up in a trigram index


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's include_object: skip the reflected search objects that no model declares."""
    return not (reflected and compare_to is None and (name or "").startswith(PREFIXES))


def has_fts(session: Session) -> bool:
    """True on SQLite when migration 0003's FTS5 table exists."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    found = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": FTS_TABLE},
    ).first()
    return found is not None


def fts_phrase(term: str) -> str:
    """A term as an FTS5 string: matched as a substring by the trigram tokenizer."""
    return '"' + term.replace('"', '""') + '"'
