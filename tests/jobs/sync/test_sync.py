"""A whole pass against the fake site, on SQLite and PostgreSQL: the store brought up to date,
a second pass answered by 304s and lastmod, drift and errors changing nothing, dry runs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.templating import render
from jobs.sync import run_sync
from jobs.sync.alarm import drift_alarm
from jobs.sync.client import SiteClient
from sec.references import parse_ref
from storage import queries, site_store
from storage.db import transaction
from storage.delivery_models import Delivery
from storage.models import Document, Modification, StatusEntry
from storage.site_models import SyncRun
from tests.fakes.secas_site import (
    MAINTENANCE,
    MP104,
    MP121,
    MP159,
    FakeSecasSite,
    modification_page,
)
from tests.jobs.sync.conftest import Sleeps, config_for


def sync(sessions: sessionmaker[Session], site: FakeSecasSite, sleeps: Sleeps, **kw: object):
    alarm = kw.pop("alarm", None)
    dry_run = bool(kw.pop("dry_run", False))
    config = config_for(site, **kw)
    return run_sync(
        sessions, config, dry_run=dry_run, alarm=alarm, client=SiteClient(config, sleep=sleeps)
    )


def mod(session: Session, ref: str) -> Modification:
    found = queries.get_modification(session, ref=parse_ref(ref))
    assert found is not None
    return found


def snapshot(sessions: sessionmaker[Session]) -> tuple[object, ...]:
    with transaction(sessions) as session:
        return (
            session.scalar(select(func.count()).select_from(Document)),
            session.scalar(select(func.count()).select_from(StatusEntry)),
            sorted((m.ref, m.stage, m.status) for m in session.scalars(select(Modification))),
        )


def test_first_sync_brings_the_store_up_to_date(loaded, site, sleeps) -> None:
    result = sync(loaded, site, sleeps)
    assert result.reached and result.ok and result.baseline
    with transaction(loaded) as session:
        mp159 = mod(session, "MP159")
        assert (mp159.stage, mp159.proposer, mp159.raised_on) == (
            "implemented",
            "Example Energy Ltd",
            date(2021, 4, 14),
        )
        assert mp159.implementation_date == date(2022, 6, 30)
        assert mp159.target_release is not None and mp159.target_release.name == "June 2022"
        assert mod(session, "MP121").stage == "withdrawn"  # inferred; heading had no reference
        assert mod(session, "MP104").proposer == "A Network Operator plc"  # the table layout
        assert mod(session, "DP190").title == "Improving registration data flows"
        november = queries.get_release_by_name(session, name="November 2026")
        assert november is not None and november.go_live == date(2026, 11, 5)
        assert [e.modification.ref for e in november.scope] == ["MP104"]
        page = session.scalar(select(Document).where(Document.url == site.url + MP159.lstrip("/")))
        assert page is not None and page.kind == "page"
        assert site_store.last_successful_sync(session) is not None
    failed = [p.url for p in result.pages if p.outcome == "failed"]
    assert failed == [site.url + "modifications/moved-away/"]  # off-host redirect refused


def test_second_sync_is_304s_and_lastmod_and_changes_nothing(loaded, site, sleeps) -> None:
    sync(loaded, site, sleeps)
    before = snapshot(loaded)
    site.clear_seen()
    again = sync(loaded, site, sleeps)
    assert snapshot(loaded) == before
    assert again.counts().changes == 0 and not again.baseline
    page_requests = [s for s in site.seen if not s.path.endswith((".xml", ".txt"))]
    assert all(s.status in (304, 301) for s in page_requests)
    pages = [p for p in again.pages if p.outcome != "failed"]
    assert again.requests <= len(pages) + 4  # robots, the index, two sitemaps


def test_a_changed_page_is_read_and_applied(loaded, site, sleeps) -> None:
    sync(loaded, site, sleeps)
    site.set_page(
        MP104,
        modification_page(
            "MP104 Security Improvements",
            proposer="A Network Operator plc",
            stage="Implemented",
            implementation="5 November 2026",
            latest="This modification was implemented on 5 November 2026 as part of the November "
            "2026 SEC Release.",
            layout="table",
        ),
    )
    result = sync(loaded, site, sleeps)
    changed = [p for p in result.pages if p.outcome == "changed"]
    assert [p.url for p in changed] == [site.url + MP104.lstrip("/")]
    with transaction(loaded) as session:
        assert mod(session, "MP104").stage == "implemented"
        assert not session.scalar(select(SyncRun).order_by(SyncRun.id.desc())).baseline


def test_maintenance_page_and_503_leave_the_store_as_it_was(loaded, site, sleeps) -> None:
    sync(loaded, site, sleeps)
    before = snapshot(loaded)
    site.set_page(MP159, MAINTENANCE)
    site.set_page(MP104, site.pages[MP104].body)  # a newer lastmod, so it is fetched
    site.script(MP104, [(503, {"Retry-After": "1"})] * 5)
    result = sync(loaded, site, sleeps)
    assert snapshot(loaded) == before
    outcomes = {p.url: p.outcome for p in result.pages}
    assert outcomes[site.url + MP159.lstrip("/")] == "drift"
    assert outcomes[site.url + MP104.lstrip("/")] == "failed"
    with transaction(loaded) as session:
        failing = {p.url for p in site_store.failing_pages(session)}
    assert {site.url + MP159.lstrip("/"), site.url + MP104.lstrip("/")} <= failing


def test_site_down_is_unreachable(loaded, sleeps) -> None:
    site = FakeSecasSite().start()
    site.stop()  # nobody listens on that port now
    result = sync(loaded, site, sleeps)
    assert not result.reached and not result.ok
    with transaction(loaded) as session:
        assert site_store.last_successful_sync(session) is None


def test_dry_run_writes_nothing(loaded, site, sleeps) -> None:
    before = snapshot(loaded)
    result = sync(loaded, site, sleeps, dry_run=True)
    assert result.counts().changes > 0
    assert snapshot(loaded) == before
    with transaction(loaded) as session:
        assert session.scalar(select(func.count()).select_from(SyncRun)) == 0
        assert site_store.known_pages(session) == {}


def test_drift_of_most_pages_tells_the_administrators_once(loaded, site, sleeps) -> None:
    sync(loaded, site, sleeps)
    for path in (MP159, MP104, MP121):
        site.set_page(path, MAINTENANCE)
    alarm = drift_alarm(render, ("slack", "CADMIN"), site=site.url)
    first = sync(loaded, site, sleeps, alarm=alarm)
    second = sync(loaded, site, sleeps, alarm=alarm)
    assert first.drift_kinds == {"modification": 3} and first.alarms == 1
    assert second.alarms == 0
    with transaction(loaded) as session:
        rows = session.scalars(select(Delivery).where(Delivery.kind == "sync_drift")).all()
        assert [(r.recipient, r.surface) for r in rows] == [("CADMIN", "slack")]


def test_review_mode_keeps_pages_pending(loaded, site, sleeps) -> None:
    before = snapshot(loaded)
    result = sync(loaded, site, sleeps, apply="review")
    assert any(p.outcome == "pending" for p in result.pages)
    assert snapshot(loaded)[1:] == before[1:]  # nothing applied, only kept for review
