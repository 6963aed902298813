"""Queries for the website sync's own state: its runs and the pages it knows.

``last_successful_sync`` and ``failing_pages`` answer the `sources` command; the rest is the
sync's bookkeeping, written in the same transaction as what each page changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.site_models import SitePage, SyncRun

MAX_ERROR = 500


@dataclass(frozen=True)
class RunCounts:
    """What one pass did, page by page."""

    fetched: int = 0
    not_modified: int = 0
    skipped: int = 0
    failed: int = 0
    drift: int = 0
    changes: int = 0
    requests: int = 0


def start_run(session: Session, *, site: str, started_at: datetime, baseline: bool) -> SyncRun:
    run = SyncRun(
        site=site[:300],
        started_at=started_at,
        baseline=baseline,
        ok=False,
        fetched=0,
        not_modified=0,
        skipped=0,
        failed=0,
        drift=0,
        changes=0,
        requests=0,
        drift_kinds={},
    )
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    *,
    run_id: int,
    counts: RunCounts,
    ok: bool,
    finished_at: datetime,
    error: str | None = None,
    drift_kinds: dict[str, int] | None = None,
) -> None:
    run = session.get(SyncRun, run_id)
    if run is None:
        return
    run.fetched, run.not_modified, run.skipped = counts.fetched, counts.not_modified, counts.skipped
    run.failed, run.drift, run.changes = counts.failed, counts.drift, counts.changes
    run.requests, run.ok, run.finished_at = counts.requests, ok, finished_at
    run.error = error[:MAX_ERROR] if error else None
    run.drift_kinds = dict(drift_kinds or {})


def drift_since(session: Session, *, site: str, kind: str, run_id: int) -> int:
    """The first run of the unbroken streak of runs (ending at run_id) where a kind drifted."""
    runs = session.scalars(
        select(SyncRun)
        .where(SyncRun.site == site[:300], SyncRun.id < run_id, SyncRun.finished_at.is_not(None))
        .order_by(SyncRun.id.desc())
        .limit(200)
    )
    first = run_id
    for run in runs:
        if not (run.drift_kinds or {}).get(kind):
            break
        first = run.id
    return first


def last_successful_sync(session: Session, *, site: str | None = None) -> SyncRun | None:
    """The latest pass that reached the site and finished (of this site, when named)."""
    query = select(SyncRun).where(SyncRun.ok.is_(True), SyncRun.finished_at.is_not(None))
    if site is not None:
        query = query.where(SyncRun.site == site[:300])
    return session.scalars(query.order_by(SyncRun.finished_at.desc()).limit(1)).first()


def is_baseline(session: Session, *, site: str) -> bool:
    """The first pass over a site (no earlier successful one) notifies nobody."""
    return last_successful_sync(session, site=site) is None


def failing_pages(session: Session, *, limit: int = 50) -> list[SitePage]:
    """Pages whose last fetch or parse went wrong, the longest failing first."""
    query = (
        select(SitePage)
        .where((SitePage.consecutive_failures > 0) | SitePage.parse_ok.is_(False))
        .order_by(SitePage.consecutive_failures.desc(), SitePage.url)
        .limit(limit)
    )
    return list(session.scalars(query))


def known_pages(session: Session) -> dict[str, SitePage]:
    return {page.url: page for page in session.scalars(select(SitePage))}


def page_for(session: Session, *, url: str, kind: str) -> SitePage:
    """The page row for a URL, created when new."""
    page = session.scalar(select(SitePage).where(SitePage.url == url[:1000]))
    if page is None:
        page = SitePage(url=url[:1000], kind=kind, consecutive_failures=0)
        session.add(page)
        session.flush()
    return page


def record_failure(page: SitePage, *, status: int | None, error: str, at: datetime) -> None:
    page.last_status, page.last_fetched_at = status, at
    page.consecutive_failures = (page.consecutive_failures or 0) + 1
    page.last_error = error[:MAX_ERROR]


def record_success(
    page: SitePage,
    *,
    status: int,
    at: datetime,
    etag: str | None,
    last_modified: str | None,
    checksum: str | None,
    parse_ok: bool,
    error: str | None = None,
) -> None:
    page.last_status, page.last_fetched_at, page.last_ok_at = status, at, at
    if etag is not None:
        page.etag = etag[:300]
    if last_modified is not None:
        page.last_modified = last_modified[:100]
    if checksum is not None:
        page.checksum = checksum
    page.parse_ok = parse_ok
    page.consecutive_failures = 0 if parse_ok else (page.consecutive_failures or 0) + 1
    page.last_error = error[:MAX_ERROR] if error else None
