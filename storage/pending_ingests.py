"""Papers sent in chat: read them, keep the change set for review, then apply or discard it.

``prepare`` computes the diff with the very code that applies it (a dry run of
``apply_changeset`` on the change set as stored, read back from JSON) and keeps a pending row.
``apply_pending`` and ``discard_pending`` move a row out of pending with one conditional UPDATE
in the caller's transaction: of two clicks (or a click and a Slack retry) only one wins, and the
loser is told what the winner did. A failed apply rolls the move back with everything else.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import true, update
from sqlalchemy.orm import Session

from storage.change_events import record_applied
from storage.changes import ADD, CONFLICT, KEEP, UPDATE, ChangeReport, apply_changeset
from storage.ingest import ChangeSet, extract_path
from storage.ingest_models import APPLIED, DISCARDED, EXPIRED, PENDING, PendingIngest
from storage.tenancy_models import DEFAULT_WORKSPACE

MAX_AGE = timedelta(days=7)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass(frozen=True)
class Prepared:
    """A paper read and diffed: the pending row, or None when it is already in the store."""

    pending: PendingIngest | None
    report: ChangeReport
    changes: ChangeSet


@dataclass(frozen=True)
class Decided:
    """The outcome of a click: the row as it now is, and whether this click moved it."""

    pending: PendingIngest | None
    moved: bool
    report: ChangeReport | None = None


def checksum_of(data: bytes) -> str:
    """The SHA-256 a document is known by (the same as `secbot ingest` computes)."""
    return hashlib.sha256(data).hexdigest()


def safe_file_name(name: str) -> str:
    """A file name without directories or odd characters, keeping its suffix for the readers."""
    base = _UNSAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    return base[:200] or "paper"


def read_upload(data: bytes, *, file_name: str, today: date) -> ChangeSet:
    """Extract a change set from a file's bytes (raises UnreadableDocument for a bad file)."""
    with tempfile.TemporaryDirectory(prefix="secbot-ingest-") as folder:
        path = Path(folder) / safe_file_name(file_name)
        path.write_bytes(data)
        return extract_path(path, today=today)


def summary(report: ChangeReport) -> str:
    """ "3 additions, 1 update, 0 conflicts, 0 kept as newer"."""
    counts = [
        (report.count(ADD), "addition"),
        (report.count(UPDATE), "update"),
        (report.count(CONFLICT), "conflict"),
    ]
    words = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts]
    return ", ".join([*words, f"{report.count(KEEP)} kept as newer"])


def prepare(
    session: Session,
    changes: ChangeSet,
    *,
    checksum: str,
    file_name: str,
    source: str,
    requested_by: str,
    channel: str | None,
    now: datetime,
    workspace: str = DEFAULT_WORKSPACE,
) -> Prepared:
    """Dry-run the change set and, unless the paper is already in the store, keep it pending."""
    expire_pending(session, now=now)
    stored = changes.to_json()
    replay = ChangeSet.from_json(stored)  # the diff shown is the diff of what will be applied
    report = apply_changeset(
        session, replay, checksum=checksum, path=source, actor=requested_by, dry_run=True
    )
    if report.already_applied:
        return Prepared(None, report, replay)
    pending = PendingIngest(
        checksum=checksum,
        file_name=safe_file_name(file_name)[:300],
        source=source[:500],
        changes=stored,
        requested_by=requested_by[:100],
        channel=channel,
        created_at=now,
        state=PENDING,
        workspace=workspace,
    )
    session.add(pending)
    session.flush()
    return Prepared(pending, report, replay)


def get_pending(session: Session, *, pending_id: int) -> PendingIngest | None:
    """One pending ingest by id."""
    return session.get(PendingIngest, pending_id)


def set_message(session: Session, *, pending_id: int, channel: str, message_ts: str) -> None:
    """Remember where the diff message went, so it can be updated later."""
    session.execute(
        update(PendingIngest)
        .where(PendingIngest.id == pending_id)
        .values(channel=channel, message_ts=message_ts)
        .execution_options(synchronize_session=False)
    )


def expire_pending(session: Session, *, now: datetime) -> int:
    """Mark rows pending for longer than MAX_AGE expired; the number expired."""
    stmt = (
        update(PendingIngest)
        .where(PendingIngest.state == PENDING, PendingIngest.created_at < now - MAX_AGE)
        .values(state=EXPIRED, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(session.execute(stmt))


def apply_pending(
    session: Session,
    *,
    pending_id: int,
    actor: str,
    now: datetime,
    workspace: str | None = None,
) -> Decided:
    """Apply a pending change set for real, once; the report says what was written. With a
    workspace, only an offer made in that workspace moves."""
    if not _move(session, pending_id, APPLIED, actor=actor, now=now, workspace=workspace):
        return Decided(_refreshed(session, pending_id, now, workspace), moved=False)
    pending = session.get(PendingIngest, pending_id)
    assert pending is not None  # the move above found it
    report = apply_changeset(
        session,
        ChangeSet.from_json(pending.changes),
        checksum=pending.checksum,
        path=pending.source,
        actor=actor,
    )
    # In the same transaction as the facts: subscribers hear of exactly what was committed.
    record_applied(session, report, checksum=pending.checksum)
    pending.outcome = (
        "it was already in the store; nothing changed"
        if report.already_applied
        else summary(report)
    )
    session.flush()
    return Decided(pending, moved=True, report=report)


def discard_pending(
    session: Session,
    *,
    pending_id: int,
    actor: str,
    now: datetime,
    workspace: str | None = None,
) -> Decided:
    """Drop a pending change set, once; nothing is written to the store."""
    if not _move(session, pending_id, DISCARDED, actor=actor, now=now, workspace=workspace):
        return Decided(_refreshed(session, pending_id, now, workspace), moved=False)
    return Decided(session.get(PendingIngest, pending_id), moved=True)


def _move(
    session: Session,
    pending_id: int,
    state: str,
    *,
    actor: str,
    now: datetime,
    workspace: str | None = None,
) -> bool:
    """Pending -> state, only if still pending, not too old and (given a workspace) offered in
    it; True when this call moved it."""
    same_workspace = true() if workspace is None else PendingIngest.workspace == workspace
    stmt = (
        update(PendingIngest)
        .where(
            PendingIngest.id == pending_id,
            PendingIngest.state == PENDING,
            PendingIngest.created_at >= now - MAX_AGE,
            same_workspace,
        )
        .values(state=state, decided_by=actor[:100], decided_at=now)
        .execution_options(synchronize_session=False)
    )
    moved = _rowcount(session.execute(stmt)) == 1
    if moved:
        session.expire_all()  # the ORM copy, if loaded, is stale
    return moved


def _refreshed(
    session: Session, pending_id: int, now: datetime, workspace: str | None = None
) -> PendingIngest | None:
    """The row after a click that did not move it; a too-old pending row expires here. Another
    workspace's offer is not there at all, as far as the asker can tell."""
    expire_pending(session, now=now)
    session.expire_all()
    row = session.get(PendingIngest, pending_id)
    if row is not None and workspace is not None and row.workspace != workspace:
        return None
    return row


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
