"""Migration 0003's search indexes: same answers as a scan, kept in step, and really used."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from storage.db import session_factory, transaction, upgrade
from storage.models import Modification
from storage.queries import search_modifications
from storage.sample import load_sample
from storage.search_index import FTS_TABLE, has_fts
from tests.conftest import drop_test_engine, make_test_engine

WORDS = [
    "firmware",
    "service",
    "request",
    "alert",
    "security",
    "credit",
    "cover",
    "ihd",
    "dcc",
    "ch",
    "sec",
    "smets",
    "quarant",
    "zebra",
    "%_%",
    'a"b',
    "han",
    "mp",
]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    """A store built by the migrations (so with the search indexes) holding the sample."""
    engine, schema = make_test_engine(str(request.param), tmp_path_factory.mktemp("search"))
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        load_sample(session)
    yield sessions
    drop_test_engine(engine, schema)


def _expected(session: Session, terms: list[str]) -> list[tuple[str, int]]:
    """The ranking worked out by hand over every row: what a scan returns."""
    found = []
    for mod in session.scalars(select(Modification)):
        title, status = mod.title_key, (mod.status or "").lower()
        if not any(t in title or t in status for t in terms):
            continue
        score = 0
        for term in terms:
            word = re.compile(rf"\b{re.escape(term)}\b")
            score += 6 if word.search(title) else 3 if term in title else 0
            score += 2 if word.search(status) else 1 if term in status else 0
        found.append((mod, score))
    found.sort(key=lambda pair: (-pair[1], pair[0].number, pair[0].letter))
    return [(mod.ref, score) for mod, score in found[:10]]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(WORDS) | st.text(min_size=2, max_size=5), min_size=1, max_size=3))
def test_indexed_search_ranks_exactly_like_a_scan(
    migrated: sessionmaker[Session], words: list[str]
) -> None:
    with transaction(migrated) as session:
        terms = [t for t in (w.lower().replace("\x00", "") for w in words) if len(t) >= 2]
        got = [(mod.ref, score) for mod, score in search_modifications(session, words=words)]
        assert got == _expected(session, terms)


def test_the_sqlite_index_exists_and_follows_writes(tmp_path: Path) -> None:
    engine, _ = make_test_engine("sqlite", tmp_path)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        load_sample(session)
        assert has_fts(session)
        session.add(
            Modification(
                ref="MP999",
                number=999,
                title="Airship docking",
                title_key="airship docking",
                stage="refinement",
            )
        )
    with transaction(sessions) as session:
        assert [m.ref for m, _ in search_modifications(session, words=["airship"])] == ["MP999"]
        mod = session.scalar(select(Modification).where(Modification.ref == "MP999"))
        assert mod is not None
        mod.title, mod.title_key = "Zeppelin mooring masts", "zeppelin mooring masts"
    with transaction(sessions) as session:
        assert search_modifications(session, words=["airship"]) == []
        assert [m.ref for m, _ in search_modifications(session, words=["zeppelin"])] == ["MP999"]
        session.delete(session.get(Modification, mod.id))
    with transaction(sessions) as session:
        assert search_modifications(session, words=["zeppelin"]) == []
        query = f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH '\"zeppelin\"'"
        assert session.execute(text(query)).scalar() == 0
    engine.dispose()


@pytest.mark.postgres
def test_postgres_answers_a_substring_search_from_the_trigram_index(tmp_path: Path) -> None:
    engine, schema = make_test_engine("postgres", tmp_path)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # the sample is tiny
            plan = "\n".join(
                str(row[0])
                for row in conn.execute(
                    text(
                        "EXPLAIN SELECT id FROM modifications WHERE title_key LIKE '%firmw%'"
                        " OR lower(coalesce(status, '')) LIKE '%firmw%'"
                    )
                )
            )
        assert "search_modifications_title_trgm" in plan
        assert "search_modifications_status_trgm" in plan
    finally:
        drop_test_engine(engine, schema)
