"""Drill: a real `secbot sync` process killed (SIGKILL) in the middle of a pass.

Each page is applied in its own transaction with its state, so the store is consistent at any
instant: every page the sync remembers as read points at a document that exists, every page
document belongs to a remembered page, and the next pass completes the work.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from jobs.sync import SyncConfig, run_sync
from storage.db import session_factory, transaction, upgrade
from storage.models import Document, Modification
from storage.site_models import SitePage, SyncRun
from tests.conftest import database_url_for, drop_test_engine, make_test_engine
from tests.fakes.secas_site import FakeSecasSite, generated_site

pytestmark = pytest.mark.drill
SECBOT = str(Path(sys.executable).with_name("secbot"))
PAGES = 40


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    engine, schema = make_test_engine(str(request.param), tmp_path)
    upgrade(engine)
    yield engine, database_url_for(engine, schema)
    drop_test_engine(engine, schema)


@pytest.fixture
def site() -> Iterator[FakeSecasSite]:
    fake = generated_site(PAGES).start()
    yield fake
    fake.stop()


def wait_for_pages(site: FakeSecasSite, count: int, *, timeout: float = 60.0) -> None:
    """Until the fake site has answered ``count`` modification pages (the signal to kill)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with site.lock:
            seen = sum(
                1 for s in site.seen if s.path.startswith("/modifications/") and s.status == 200
            )
        if seen >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"the sync never reached {count} pages")


def assert_consistent(engine: Engine) -> int:
    """Pages and documents agree; returns how many modification pages were applied."""
    with transaction(session_factory(engine)) as session:
        pages = session.scalars(select(SitePage).where(SitePage.kind == "modification")).all()
        documents = {
            d.id: d for d in session.scalars(select(Document).where(Document.kind == "page"))
        }
        applied = [p for p in pages if p.document_id is not None]
        assert all(p.document_id in documents for p in applied)
        assert {d.url for d in documents.values()} == {p.url for p in applied}
        generated = session.scalar(
            select(func.count()).select_from(Modification).where(Modification.number >= 1000)
        )
        assert generated == len(applied)
        return len(applied)


def test_sync_killed_mid_pass_leaves_a_consistent_store(store, site, tmp_path) -> None:
    engine, url = store
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECBOT_", "DATABASE_"))}
    env.update(DATABASE_URL=url, SECBOT_SITE_URL=site.url, SECBOT_SYNC_RATE="10")
    process = subprocess.Popen(
        [SECBOT, "sync"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_pages(site, PAGES // 3)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    applied = assert_consistent(engine)
    assert 0 < applied < PAGES
    with transaction(session_factory(engine)) as session:
        run = session.scalar(select(SyncRun))
        assert run is not None and run.finished_at is None  # the killed pass never finished

    config = SyncConfig(url=site.url, requests_per_second=100)
    result = run_sync(session_factory(engine), config)
    assert result.ok and result.baseline  # no pass has finished yet: still the baseline
    assert assert_consistent(engine) == PAGES
    again = run_sync(session_factory(engine), config)
    assert again.ok and again.counts().changes == 0
