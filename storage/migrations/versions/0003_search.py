"""search indexes: substring search without scanning every modification

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 06:30:00

``storage.queries.search_modifications`` matches words anywhere in a title or status (LIKE
'%term%'), which no B-tree index can serve. So:

- PostgreSQL: ``pg_trgm`` GIN indexes on ``title_key`` and on ``lower(coalesce(status, ''))``,
  the very expressions the query uses; the planner then answers LIKE '%term%' (3+ characters)
  from the index. The extension goes into ``public`` (once per database; other schemas, such as
  the tests' own, share it) and the operator class is named with its schema. A server without
  the extension (or a role that may not create it) keeps the plain scan.
- SQLite: an FTS5 table with the trigram tokenizer over ``modifications`` (external content:
  it stores the index only), kept in step by three triggers. A batch migration that recreates
  ``modifications`` drops these triggers: such a migration must create them again.

Every object here lives outside the models; ``include_object`` in ``env.py`` tells Alembic's
comparison to leave them alone (their names start with ``search_`` or ``modifications_search``).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text
from sqlalchemy.engine import Connection

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TRGM_LOCK = 7_301_003  # serialises CREATE EXTENSION between concurrent first upgrades
# Index name -> the indexed expression: exactly what search_modifications compares.
PG_INDEXES = {
    "search_modifications_title_trgm": "title_key",
    "search_modifications_status_trgm": "(lower(coalesce(status, '')))",
}
FTS_TABLE = "modifications_search"
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title_key, status,"
    " content='modifications', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON modifications BEGIN"
    f" INSERT INTO {FTS_TABLE}(rowid, title_key, status)"
    " VALUES (new.id, new.title_key, new.status); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON modifications BEGIN"
    f" INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_key, status)"
    " VALUES ('delete', old.id, old.title_key, old.status); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF title_key, status"
    f" ON modifications BEGIN"
    f" INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_key, status)"
    " VALUES ('delete', old.id, old.title_key, old.status);"
    f" INSERT INTO {FTS_TABLE}(rowid, title_key, status)"
    " VALUES (new.id, new.title_key, new.status); END",
)
SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


def _trigram_schema(conn: Connection) -> str | None:
    """The schema holding pg_trgm, installing it into public when it is not there yet."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TRGM_LOCK})
    found = conn.scalar(
        text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'"
        )
    )
    if found is not None:
        return str(found)
    savepoint = conn.begin_nested()
    try:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    except Exception:  # not available, or not allowed: searches keep scanning
        savepoint.rollback()
        return None
    savepoint.commit()
    return "public"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        schema = _trigram_schema(conn)
        if schema is None:
            return
        for name, expression in PG_INDEXES.items():
            op.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON modifications USING gin "
                f'({expression} "{schema}".gin_trgm_ops)'
            )
    elif conn.dialect.name == "sqlite":
        for statement in SQLITE_DDL:
            op.execute(statement)
        op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for name in PG_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    elif conn.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            op.execute(statement)
