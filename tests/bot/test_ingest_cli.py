"""`secbot ingest` end to end: the seed papers into an empty store answer like the sample data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from storage.change_events import untold_events
from storage.db import session_factory, upgrade
from storage.models import Modification, Release
from tests.conftest import SEEDS, database_url_for, drop_test_engine, make_test_engine

pytestmark = pytest.mark.usefixtures("seeds")  # skipped without them, failed in CI
PAPERS = sorted(str(p) for p in SEEDS.glob("*.txt"))
runner = CliRunner()


def snapshot(sessions: sessionmaker[Session]) -> tuple[dict, dict]:
    with sessions() as session:
        mods = {
            m.ref: (
                m.title,
                m.stage,
                m.target_release.name if m.target_release else None,
                len(m.history),
                m.slug,
            )
            for m in session.scalars(select(Modification))
        }
        releases = {
            r.name: sorted((e.modification.ref, e.state) for e in r.scope)
            for r in session.scalars(select(Release))
        }
    return mods, releases


def ingest(url: str, *args: str) -> str:
    result = runner.invoke(app, ["ingest", *args], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    return result.output


def test_json_lists_every_paper_and_release(tmp_path: Path) -> None:
    data = json.loads(ingest(f"sqlite:///{tmp_path / 'unused.db'}", "--json", *PAPERS))
    assert len(data["documents"]) == 3
    feb = next(r for r in data["releases"] if r["name"].startswith("February 2022"))
    assert (feb["date"], feb["removed"]) == ("2022-02-24", ["MP154"])


def test_applying_the_papers_matches_the_sample_data(
    loaded: sessionmaker[Session], tmp_path: Path, backend: str
) -> None:
    (tmp_path / "ingested").mkdir()
    empty, schema = make_test_engine(backend, tmp_path / "ingested")
    url = database_url_for(empty, schema)
    try:
        upgrade(empty)
        dry = ingest(url, *PAPERS)
        assert "Dry run" in dry and "+ MP159: new modification ‘Credit Cover Review’" in dry
        assert snapshot(session_factory(empty))[0] == {}
        applied = ingest(url, "--apply", *PAPERS)
        assert "0 conflicts" in applied
        again = ingest(url, "--apply", *PAPERS)
        assert again.count("already ingested") == 3

        ingested_mods, ingested_releases = snapshot(session_factory(empty))
        sample_mods, sample_releases = snapshot(loaded)
        # The papers say nothing of MP154's stage (only that it left February 2022).
        sample_mods.pop("MP154"), ingested_mods.pop("MP154")
        assert ingested_mods == sample_mods
        assert ingested_releases == sample_releases
    finally:
        drop_test_engine(empty, schema)


def test_an_unreadable_paper_changes_nothing(loaded: sessionmaker[Session], tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    result = runner.invoke(
        app, ["ingest", "--apply", PAPERS[0], str(empty)], env={"DATABASE_URL": url}
    )
    assert result.exit_code == 1
    assert "empty.pdf" in result.output and "Nothing was changed" in result.output


def test_applied_papers_are_change_events_for_subscribers(tmp_path: Path, backend: str) -> None:
    engine, schema = make_test_engine(backend, tmp_path)
    try:
        upgrade(engine)
        url = database_url_for(engine, schema)
        ingest(url, PAPERS[0])  # a dry run records nothing
        with session_factory(engine)() as session:
            assert untold_events(session) == []
        ingest(url, "--apply", PAPERS[0])
        with session_factory(engine)() as session:
            events = untold_events(session)
        assert events and not any(e.baseline for e in events)
        assert {e.sync_run_id for e in events} == {None}
        ingest(url, "--apply", PAPERS[0])  # already ingested: nothing new to tell
        with session_factory(engine)() as session:
            assert len(untold_events(session)) == len(events)
    finally:
        drop_test_engine(engine, schema)
