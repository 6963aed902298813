"""Apply a document's change set to the store: one transaction, provenance kept, newer facts win.

The same code computes the dry-run diff and the real change: a dry run applies inside a savepoint
and rolls it back, so what `secbot ingest` shows is exactly what `--apply` writes.

Rules: a document (by checksum) is applied once; a fact from an older document never replaces one
from a newer document (it may still join the history); two documents of the same date that
disagree are reported as a conflict and the stored fact is kept (two fetches of a web page on the
same day are ordered by their fetch time: the later one wins). A web page is true on the day it
was fetched, unless it carries a newer date of its own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sec.timefmt import LONDON, now
from storage.changes.modifications import ModificationRules
from storage.changes.plans import PlanRules
from storage.changes.report import ADD, UPDATE, ChangeReport
from storage.ingest import changeset as cs
from storage.models import AuditEntry, Document


class Applier(ModificationRules, PlanRules):
    """Every rule, applied in an order where what a fact refers to already exists."""

    def apply(self, changes: cs.ChangeSet) -> None:
        self.preload(_named_refs(changes))
        for item in changes.modifications:
            self.modification(item)
        for release in changes.releases:
            self.release(release)
        for milestone in changes.milestones:
            self.milestone(milestone)
        for decision in changes.decisions:
            self.decision(decision)
        for outcome in changes.outcomes:
            self.outcome(outcome)
        for version in changes.sec_versions:
            self.sec_version(version)
        for consultation in changes.consultations:
            self.consultation(consultation)


def _named_refs(changes: cs.ChangeSet) -> set[str]:
    refs = {item.ref for item in changes.modifications}
    refs |= {item.ref for item in changes.milestones}
    refs |= {item.ref for item in changes.decisions}
    refs |= {item.ref for item in changes.outcomes}
    for release in changes.releases:
        refs |= {*release.in_scope, *release.removed, *release.candidates}
    refs |= {ref for version in changes.sec_versions for ref in version.implements}
    refs |= {c.ref for c in changes.consultations if c.ref}
    return refs


def document_as_of(document: cs.Document | None) -> date:
    """The day a document's facts are true: its date, or a page's fetch day when that is newer."""
    if document is None:
        return now().date()
    fetched = document.fetched_at.astimezone(LONDON).date() if document.fetched_at else None
    days = [day for day in (document.date, fetched) if day is not None]
    return max(days) if days else now().date()


def apply_changeset(
    session: Session,
    changes: cs.ChangeSet,
    *,
    checksum: str,
    path: str,
    actor: str = "secbot ingest",
    dry_run: bool = False,
    audit: bool = True,
) -> ChangeReport:
    """Apply one document's change set (or only report it, with dry_run).

    ``audit=False`` leaves the audit log out (the bundled sample data, loaded at installation:
    its documents keep the provenance, and the log stays for what people and the sync change).
    """
    document = changes.documents[0] if changes.documents else None
    doc_date = document.date if document else None
    report = ChangeReport(path=path, document_date=doc_date)
    if session.scalar(select(Document).where(Document.checksum == checksum)) is not None:
        report.already_applied = True
        return report
    savepoint = session.begin_nested()
    as_of = document_as_of(document)
    fetched_at = document.fetched_at if document else None
    applier = Applier(session, report, path=path, as_of=as_of, fetched_at=fetched_at)
    applier.document = _document_row(document, checksum=checksum, path=path, as_of=as_of)
    session.add(applier.document)
    applier.apply(changes)
    if audit:
        session.add(_audit_entry(actor, path, applier.document.kind, report))
    session.flush()
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return report


def _audit_entry(actor: str, path: str, kind: str, report: ChangeReport) -> AuditEntry:
    return AuditEntry(
        at=now(),
        actor=actor,
        action="ingest",
        detail={
            "path": path,
            "kind": kind,
            "additions": report.count(ADD),
            "updates": report.count(UPDATE),
        },
    )


def _document_row(
    document: cs.Document | None, *, checksum: str, path: str, as_of: date
) -> Document:
    name = document.title if document and document.title else Path(path).name
    has_date = document is not None and (document.date or document.fetched_at)
    return Document(
        name=name[:300],
        doc_date=as_of if has_date else None,
        kind=(document.kind if document else "paper")[:40],
        checksum=checksum,
        reference=document.reference[:80] if document and document.reference else None,
        path=path[:500],
        url=document.url[:1000] if document and document.url else None,
        fetched_at=document.fetched_at if document else None,
        recorded_at=now(),
    )
