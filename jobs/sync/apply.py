"""Write what one page said: in one transaction, the page's state, its change set (applied or
kept for review), and its change events. A page without its kind's fields changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs.sync.client import Fetched
from jobs.sync.result import PageOutcome
from storage import site_store
from storage.changes import ChangeReport, apply_changeset
from storage.db import transaction
from storage.ingest.pages import PageReading, PageText
from storage.models import Document
from storage.site_models import SitePage

ACTOR = "secbot sync"


@dataclass(frozen=True)
class Pass:
    """What every page apply of one pass shares."""

    sessions: sessionmaker[Session]
    run_id: int | None
    baseline: bool
    dry_run: bool
    review: bool


def content_checksum(url: str, text: PageText) -> str:
    """The page's normalised content (its text lines, not its markup) with its URL."""
    digest = hashlib.sha256(url.encode())
    for line in text.lines:
        digest.update(b"\n" + line.encode())
    return digest.hexdigest()


def _record(
    page: SitePage, fetched: Fetched, at: datetime, checksum: str | None, lastmod: datetime | None
) -> None:
    page.sitemap_lastmod = lastmod  # what the sitemap said when this read was made
    site_store.record_success(
        page,
        status=fetched.status,
        at=at,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        checksum=checksum,
        parse_ok=True,
    )


def record_not_modified(
    ctx: Pass, url: str, kind: str, fetched: Fetched, at: datetime, lastmod: datetime | None
) -> None:
    if ctx.dry_run:
        return
    with transaction(ctx.sessions) as session:
        page = site_store.page_for(session, url=url, kind=kind)
        if page.parse_ok is not False:
            page.sitemap_lastmod = lastmod
        site_store.record_success(
            page,
            status=304,
            at=at,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            checksum=None,
            parse_ok=page.parse_ok is not False,
        )


def record_failure(ctx: Pass, url: str, kind: str, fetched: Fetched, at: datetime) -> None:
    if ctx.dry_run:
        return
    with transaction(ctx.sessions) as session:
        page = site_store.page_for(session, url=url, kind=kind)
        site_store.record_failure(
            page, status=fetched.status or None, error=fetched.error or "", at=at
        )


def record_read(
    ctx: Pass,
    url: str,
    kind: str,
    fetched: Fetched,
    at: datetime,
    text: PageText | None = None,
    lastmod: datetime | None = None,
) -> None:
    """A page read only for its links (home, listing), its summary, or a redirect."""
    if ctx.dry_run:
        return
    checksum = content_checksum(url, text) if text is not None else None
    with transaction(ctx.sessions) as session:
        _record(site_store.page_for(session, url=url, kind=kind), fetched, at, checksum, lastmod)


def apply_page(
    ctx: Pass,
    url: str,
    fetched: Fetched,
    text: PageText,
    reading: PageReading,
    at: datetime,
    lastmod: datetime | None = None,
) -> PageOutcome:
    """Apply one page's change set; the outcome says what happened."""
    outcome = PageOutcome(url, reading.kind, "unchanged", fetched.status, reading.summary)
    with transaction(ctx.sessions) as session:
        savepoint = session.begin_nested()
        page = site_store.page_for(session, url=url, kind=reading.kind)
        if reading.changes is None:
            _drift(page, fetched, at, reading, outcome)
        else:
            _apply(ctx, session, page, fetched, text, reading, at, outcome, lastmod)
        if ctx.dry_run:
            savepoint.rollback()
        else:
            savepoint.commit()
    return outcome


def _drift(
    page: SitePage, fetched: Fetched, at: datetime, reading: PageReading, outcome: PageOutcome
) -> None:
    """200 without the fields: keep the tags of the last good read so it is read again next pass."""
    problem = "; ".join(reading.problems) or "nothing readable"
    site_store.record_success(
        page,
        status=fetched.status,
        at=at,
        etag=None,
        last_modified=None,
        checksum=None,
        parse_ok=False,
        error=problem,
    )
    page.etag = page.last_modified = None
    outcome.outcome, outcome.note = "drift", f"{problem}; nothing changed"


def _apply(
    ctx: Pass,
    session: Session,
    page: SitePage,
    fetched: Fetched,
    text: PageText,
    reading: PageReading,
    at: datetime,
    outcome: PageOutcome,
    lastmod: datetime | None,
) -> None:
    assert reading.changes is not None
    checksum = content_checksum(page.url, text)
    if checksum == page.checksum and page.parse_ok:
        _record(page, fetched, at, checksum, lastmod)  # new tags, same words
        outcome.note = outcome.note or "same content"
        return
    document_checksum = checksum
    if session.scalar(select(Document.id).where(Document.checksum == checksum)) is not None:
        # The page went back to words read before: a new document, true on this day.
        document_checksum = hashlib.sha256(f"{checksum}:{at.isoformat()}".encode()).hexdigest()
    if ctx.review:
        outcome.outcome, outcome.note = _keep_for_review(session, reading, document_checksum, at)
    else:
        report = apply_changeset(
            session, reading.changes, checksum=document_checksum, path=page.url, actor=ACTOR
        )
        _events(ctx, session, report, document_checksum, page)
        outcome.changes = [change.line() for change in report.changes]
        outcome.outcome = "changed" if report.changes else "unchanged"
    _record(page, fetched, at, checksum, lastmod)


def _events(
    ctx: Pass, session: Session, report: ChangeReport, checksum: str, page: SitePage
) -> None:
    document_id = session.scalar(select(Document.id).where(Document.checksum == checksum))
    page.document_id = document_id
    if ctx.dry_run or not report.changes:
        return
    from storage.change_events import record_events  # helper E's module

    record_events(
        session,
        report.changes,
        document_id=document_id,
        sync_run_id=ctx.run_id,
        baseline=ctx.baseline,
    )


def _keep_for_review(
    session: Session, reading: PageReading, checksum: str, at: datetime
) -> tuple[str, str]:
    from storage.pending_ingests import prepare, summary

    assert reading.changes is not None
    prepared = prepare(
        session,
        reading.changes,
        checksum=checksum,
        file_name=(reading.changes.documents[0].path if reading.changes.documents else "page"),
        source=reading.changes.documents[0].path if reading.changes.documents else "page",
        requested_by=ACTOR,
        channel=None,
        now=at,
    )
    if prepared.pending is None:
        return "unchanged", "already in the store"
    return (
        "pending",
        f"kept for review as pending ingest {prepared.pending.id}: {summary(prepared.report)}",
    )
