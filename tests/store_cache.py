"""Fast test stores: the schema and the sample data, built the slow way once per process.

Building a store was most of many tests' time on PostgreSQL: ``create_all`` sends each CREATE
TABLE and CREATE INDEX as a round trip of its own, and ``load_sample`` reads the YAML and applies
it through ``apply_changeset``. Each test process (each xdist worker) builds its first store of
each backend the slow way and remembers what that gave: the DDL ``create_all`` sent (replayed as
one script on PostgreSQL) and every row the sample load wrote (copied into the next store with
one executemany a table). ``tests/storage/test_store_cache.py`` checks that a copied store holds
exactly what a loaded one does and takes new rows; tests of the loader itself call
``load_sample``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Integer, Table, event, text
from sqlalchemy.orm import Session, sessionmaker

from storage.db import transaction
from storage.sample import load_sample
from storage.schema import Base

_DDL_PREFIXES = ("CREATE", "ALTER", "COMMENT", "INSERT")
_ddl_scripts: dict[str, str] = {}
_sample_rows: dict[str, list[tuple[Table, list[dict[str, Any]]]]] = {}


def create_schema(engine: Engine) -> None:
    """The models' schema on an empty database, as ``Base.metadata.create_all`` makes it."""
    dialect = engine.dialect.name
    script = _ddl_scripts.get(dialect)
    if script is not None:
        raw = engine.raw_connection()
        try:
            raw.cursor().execute(script)  # no parameters: PostgreSQL takes many statements
            raw.commit()
        finally:
            raw.close()
        return
    with engine.connect():
        pass  # the dialect's first-connect queries are not part of the schema
    sent: list[str] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        if not params and statement.lstrip().upper().startswith(_DDL_PREFIXES):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        Base.metadata.create_all(engine, checkfirst=False)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    if dialect == "postgresql":  # SQLite's create_all is quick, and takes one statement a call
        _ddl_scripts[dialect] = ";\n".join(sent)


def load_sample_data(sessions: sessionmaker[Session]) -> None:
    """The bundled sample data in a store made by ``create_schema``."""
    engine = sessions.kw["bind"]
    dialect = engine.dialect.name
    rows = _sample_rows.get(dialect)
    if rows is None:
        with transaction(sessions) as session:
            load_sample(session)
        _sample_rows[dialect] = _read_rows(engine)
        return
    with engine.begin() as conn:
        for table, _ in reversed(rows):
            conn.execute(table.delete())  # the rows create_all adds (the store revision's)
        for table, table_rows in rows:
            conn.execute(table.insert(), table_rows)
        if dialect == "postgresql":
            for table, _ in rows:
                _restart_sequence(conn, table)


def _read_rows(engine: Engine) -> list[tuple[Table, list[dict[str, Any]]]]:
    with engine.connect() as conn:
        read = [
            (table, [dict(row) for row in conn.execute(table.select()).mappings()])
            for table in Base.metadata.sorted_tables
        ]
    return [(table, rows) for table, rows in read if rows]


def _restart_sequence(conn: Any, table: Table) -> None:
    """Rows copied with their ids leave a serial column's sequence at 1: move it past them."""
    key = list(table.primary_key.columns)
    if len(key) != 1 or not isinstance(key[0].type, Integer) or key[0].autoincrement is False:
        return
    column = key[0].name
    conn.execute(
        text(
            f'SELECT setval(pg_get_serial_sequence(:table, :column), MAX("{column}")) '
            f'FROM "{table.name}" HAVING MAX("{column}") IS NOT NULL'
        ),
        {"table": table.name, "column": column},
    )
