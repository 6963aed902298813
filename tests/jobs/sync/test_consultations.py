"""Consultation pages are stored through apply_changeset, and their closes reach the reminder
plan (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs.plan import load_snapshot
from jobs.sync import run_sync
from jobs.sync.client import SiteClient
from sec.reminders import plan_reminders
from storage.db import transaction
from storage.fact_models import Consultation
from storage.models import Document
from tests.fakes.secas_site import CONSULTATION, FakeSecasSite
from tests.jobs.sync.conftest import Sleeps, config_for


def test_a_consultation_page_is_stored_and_reminded(
    loaded: sessionmaker[Session], site: FakeSecasSite, sleeps: Sleeps
) -> None:
    config = config_for(site)
    result = run_sync(loaded, config, client=SiteClient(config, sleep=sleeps))
    url = site.url + CONSULTATION.lstrip("/")
    assert {p.url: p.outcome for p in result.pages}[url] == "changed"
    with transaction(loaded) as session:
        stored = session.scalars(
            select(Consultation).where(Consultation.title == "Section H review consultation")
        ).one()
        assert stored.closes == date(2026, 12, 18)
        assert stored.respond_to == url
        assert stored.document is not None and stored.document.url == url
        snapshot, calendar = load_snapshot(
            session, start=date(2026, 12, 1), end=date(2026, 12, 31), as_of=date(2026, 12, 1)
        )
    keys = [r.key for r in plan_reminders(snapshot, calendar)]
    assert "consultation:section-h-review-consultation:2026-12-18-1wd" in keys

    again = run_sync(loaded, config, client=SiteClient(config, sleep=sleeps))  # nothing new
    assert {p.url: p.outcome for p in again.pages}.get(url) != "changed"
    with loaded() as session:
        count = len(session.scalars(select(Consultation)).all())
        assert session.scalar(select(Document).where(Document.url == url)) is not None
    assert count == len({(c.title, c.closes) for c in _all(loaded)})


def _all(sessions: sessionmaker[Session]) -> list[Consultation]:
    with sessions() as session:
        return list(session.scalars(select(Consultation)))
