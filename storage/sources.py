"""Where the store's facts come from: the documents behind a modification or a release, and
an overview of every source (papers with dates, pages and their checks) for `sources`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.fact_models import Consultation, Outcome, ReleaseCandidate, SecVersionChange
from storage.models import Document, Milestone, Modification, Release, ScopeEntry, StatusEntry
from storage.site_models import SitePage

PAGE = "page"
# How each kind of document is named in a sentence.
_DOCUMENT_NAMES = {
    "csc_paper": "the CSC paper",
    "panel_paper": "the Panel paper",
    "panel_update": "the SEC update to the UNC Modification Panel",
    PAGE: "the SECAS page",
}
_NAMED_BY_TITLE = (
    (("Change Sub-Committee",), "the CSC paper"),
    (("UNC", "Panel"), "the SEC update to the UNC Modification Panel"),
    (("Panel",), "the Panel paper"),
)


def document_name(doc: Document) -> str:
    """ "the CSC paper", "the SECAS page", "the paper ‘…’"."""
    if doc.kind in _DOCUMENT_NAMES:
        return _DOCUMENT_NAMES[doc.kind]
    name = doc.name or ""
    for words, said in _NAMED_BY_TITLE:  # papers ingested as kind "paper": known by their title
        if all(word in name for word in words):
            return said
    return f"the paper ‘{name}’" if name else "a paper"


@dataclass(frozen=True)
class PageCheck:
    """A web page behind some facts, and when it was last read successfully."""

    url: str
    checked_at: datetime | None


@dataclass(frozen=True)
class Overview:
    papers: list[Document]  # newest first
    pages: int  # pages known that parsed on their last read
    newest_check: datetime | None


def _documents(session: Session, ids: set[int]) -> list[Document]:
    if not ids:
        return []
    return list(session.scalars(select(Document).where(Document.id.in_(sorted(ids)))))


def _ids(session: Session, *stmts: object) -> set[int]:
    found: set[int] = set()
    for stmt in stmts:
        found.update(i for i in session.scalars(stmt) if i is not None)  # type: ignore[call-overload]
    return found


def documents_for_modification(session: Session, mod: Modification) -> list[Document]:
    """Every document that stated something about the modification."""
    ids = _ids(
        session,
        select(StatusEntry.document_id).where(StatusEntry.modification_id == mod.id),
        select(ScopeEntry.document_id).where(ScopeEntry.modification_id == mod.id),
        select(Milestone.document_id).where(Milestone.modification_id == mod.id),
        # The facts answers tell beside them: outcomes, SEC versions, consultations, candidacy.
        select(Outcome.document_id).where(Outcome.modification_id == mod.id),
        select(SecVersionChange.document_id).where(SecVersionChange.modification_id == mod.id),
        select(Consultation.document_id).where(Consultation.modification_id == mod.id),
        select(ReleaseCandidate.document_id).where(ReleaseCandidate.modification_id == mod.id),
    )
    return _documents(session, ids)


def documents_for_release(session: Session, release: Release) -> list[Document]:
    """Every document that stated something about the release's scope or its candidates (a
    release named only with candidates, like November 2019, is still from its papers)."""
    ids = _ids(
        session,
        select(ScopeEntry.document_id).where(ScopeEntry.release_id == release.id),
        select(ReleaseCandidate.document_id).where(ReleaseCandidate.release_id == release.id),
    )
    return _documents(session, ids)


def newest_paper(documents: list[Document]) -> Document | None:
    papers = [d for d in documents if d.kind != PAGE]
    return max(papers, key=lambda d: (d.doc_date is not None, d.doc_date, d.id), default=None)


def newest_page(session: Session, documents: list[Document]) -> PageCheck | None:
    """The page most recently read among the documents, with its last good check."""
    pages = [d for d in documents if d.kind == PAGE and d.url]
    if not pages:
        return None
    doc = max(pages, key=lambda d: (d.fetched_at is not None, d.fetched_at, d.id))
    assert doc.url is not None
    site = session.scalar(select(SitePage).where(SitePage.url == doc.url))
    checks = [t for t in (doc.fetched_at, site.last_ok_at if site else None) if t is not None]
    return PageCheck(doc.url, max(checks) if checks else None)


def overview(session: Session, *, papers: int = 20) -> Overview:
    """The papers (newest first), how many pages parse, and the newest page check."""
    docs = session.scalars(
        select(Document)
        .where(Document.kind != PAGE)
        .order_by(Document.doc_date.desc().nulls_last(), Document.id.desc())
        .limit(papers)
    )
    ok_pages = select(func.count()).select_from(SitePage).where(SitePage.parse_ok.is_(True))
    newest = session.scalar(select(func.max(SitePage.last_ok_at)))
    return Overview(list(docs), int(session.scalar(ok_pages) or 0), newest)


def documents_by_id(session: Session, ids: set[int]) -> dict[int, Document]:
    return {doc.id: doc for doc in _documents(session, ids)}
