"""The test stores copied from a process's first sample load hold what a real load gives."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from sec.timefmt import now
from storage import revision
from storage.db import session_factory, transaction
from storage.models import Document
from storage.sample import load_sample
from storage.schema import Base
from tests.conftest import BACKENDS, drop_test_engine, make_test_engine
from tests.store_cache import create_schema, load_sample_data


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(table.select())), key=repr)
            for table in Base.metadata.sorted_tables
        }


def _timeless(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(None if isinstance(v, datetime) else v for v in row)


def _store(backend: str, path: Path) -> tuple[Engine, str | None, sessionmaker[Session]]:
    path.mkdir()
    engine, schema = make_test_engine(backend, path)
    create_schema(engine)
    return engine, schema, session_factory(engine)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_copied_sample_store_holds_what_loading_gives_and_takes_new_rows(
    backend: str, tmp_path: Path
) -> None:
    made = []
    try:
        for n in range(3):  # the first may fill the cache; the later ones copy from it
            made.append(_store(backend, tmp_path / str(n)))
        *_, loaded_sessions = made[0]
        load_sample_data(loaded_sessions)
        *_, copied_sessions = made[1]
        load_sample_data(copied_sessions)
        *_, fresh_sessions = made[2]
        with transaction(fresh_sessions) as session:
            assert load_sample(session).loaded
        expected = _dump(made[2][0])
        assert sum(map(len, expected.values())) > 100
        for engine, _, _ in made[:2]:
            got = _dump(engine)
            assert got.keys() == expected.keys()
            for name in expected:  # rows recorded "now" differ in that time only
                assert [_timeless(r) for r in got[name]] == [
                    _timeless(r) for r in expected[name]
                ], name
        with copied_sessions() as session:
            before = session.scalar(select(func.max(Document.id)))
            version = revision.current(session)
        assert before
        with transaction(copied_sessions) as session:
            paper = Document(name="A new paper", checksum="x" * 64, recorded_at=now())
            session.add(paper)
        assert paper.id == before + 1
        with copied_sessions() as session:
            assert revision.current(session) == version + 1
    finally:
        for engine, schema, _ in made:
            drop_test_engine(engine, schema)
