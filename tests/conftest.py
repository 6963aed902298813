"""Shared fixtures: a store on SQLite and on PostgreSQL, loaded with the sample data.

PostgreSQL tests use their own schema each, so parallel workers never collide. Outside CI they are
skipped when the server is unreachable; in CI (CI=true) an unreachable server fails the run. The
same goes for the seed papers in ../shared/seeds: ``require_seeds`` (or the ``seeds`` fixture)
skips a test that needs them outside CI, and fails it in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from storage.db import make_engine, session_factory
from tests.store_cache import create_schema, load_sample_data

POSTGRES_URL = os.environ.get(
    "SECBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_reachable() -> str | None:
    try:
        engine = make_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means "not here"
        return str(exc).splitlines()[0]


def _require_postgres() -> None:
    problem = _postgres_reachable()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI but unreachable: {problem}")
    pytest.skip(f"PostgreSQL unreachable: {problem}")


def require_seeds(path: Path = SEEDS) -> Path:
    """The seed papers (or one of them), which live beside the project, not in it: a test that
    needs them is skipped when they are missing, except in CI (CI=true), where it fails."""
    if path.exists():
        return path
    problem = f"the seed papers are not at {path} (../shared/seeds)"
    if os.environ.get("CI"):
        pytest.fail(f"{problem}; CI must have them")
    pytest.skip(problem)


@pytest.fixture
def seeds() -> Path:
    """The seed paper folder; see require_seeds."""
    return require_seeds()


def make_test_engine(backend: str, tmp_path: Path) -> tuple[Engine, str | None]:
    """An engine on a fresh database: a SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'secbot.db'}"), None
    _require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    return engine, schema


def drop_test_engine(engine: Engine, schema: str | None) -> None:
    engine.dispose()
    if schema is None:
        return
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def database_url_for(engine: Engine, schema: str | None) -> str:
    """A DATABASE_URL for a subprocess that reaches the same database (and schema)."""
    if schema is None:
        return engine.url.render_as_string(hide_password=False)
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty store with the schema created from the models."""
    engine, schema = make_test_engine(backend, tmp_path)
    create_schema(engine)
    yield engine
    drop_test_engine(engine, schema)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def loaded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """A store holding the bundled sample data (copied from the process's first load)."""
    load_sample_data(sessions)
    return sessions


@pytest.fixture(scope="module", params=BACKENDS)
def sample_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    """A read-only store with the sample data, shared by a module's tests (do not write to it)."""
    engine, schema = make_test_engine(str(request.param), tmp_path_factory.mktemp("store"))
    create_schema(engine)
    sessions = session_factory(engine)
    load_sample_data(sessions)
    yield sessions
    drop_test_engine(engine, schema)
