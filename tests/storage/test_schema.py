"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import session_factory, transaction, upgrade
from storage.sample import load_sample
from storage.schema import Base
from storage.search_index import include_object
from tests.conftest import drop_test_engine, make_test_engine


def test_migrations_match_the_models_and_run_twice(backend: str, tmp_path: Path) -> None:
    engine, schema = make_test_engine(backend, tmp_path)
    try:
        upgrade(engine)
        upgrade(engine)  # safe to run again
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": include_object})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
        assert "modifications" in inspect(engine).get_table_names()
    finally:
        drop_test_engine(engine, schema)


def test_sample_loads_once_and_a_second_load_changes_nothing(backend: str, tmp_path: Path) -> None:
    engine, schema = make_test_engine(backend, tmp_path)
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            first = load_sample(session)
        with transaction(sessions) as session:
            second = load_sample(session)
        assert first.loaded and first.modifications >= 60 and first.releases >= 4
        assert not second.loaded
    finally:
        drop_test_engine(engine, schema)
