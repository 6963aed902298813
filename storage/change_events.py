"""Record applied changes as change events, inside the caller's transaction.

``record_events`` is called by whoever applies a change set (the site sync, paper ingestion)
right after ``apply_changeset``, in the same transaction, so an event exists exactly when its
change was committed. Each event has a stable key (a digest of what changed, the document and
the sync run), and rows are inserted with ON CONFLICT DO NOTHING: recording the same change again
adds nothing. Baseline events (a site's first sync) are stored as already told.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from sec.timefmt import now as clock_now
from storage.change_event_models import ChangeEvent
from storage.changes import CONFLICT, EVENT_KINDS, KEEP, Change, ChangeReport
from storage.models import Contact, Document, Modification, Subscription
from storage.site_models import SyncRun

# A recipient: (surface, channel or user id).
Address = tuple[str, str]
# A recipient in the workspace whose subscription or contact link names it: (surface, channel or
# user id, workspace). An Enterprise Grid user id spans workspaces, each with its own DM.
Recipient = tuple[str, str, str]

# Column bounds: the store keeps what fits rather than failing a whole sync on a long line.
_BOUNDS = {"ref": 20, "release": 80, "subject": 200, "source": 500}
_TEXT_BOUND = 2000


def event_key(change: Change, *, document_id: int | None, sync_run_id: int | None) -> str:
    """A digest of everything that identifies this change (64 hex characters)."""
    parts = [
        change.event,
        change.ref,
        change.release,
        change.subject,
        change.what,
        change.before,
        change.after,
        document_id,
        sync_run_id,
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _bounded(value: str | None, limit: int) -> str | None:
    return None if value is None else value[:limit]


def _row(
    change: Change,
    *,
    document_id: int | None,
    sync_run_id: int | None,
    baseline: bool,
    at: datetime,
) -> dict[str, Any]:
    return {
        "event_key": event_key(change, document_id=document_id, sync_run_id=sync_run_id),
        "kind": change.event,
        "ref": _bounded(change.ref, _BOUNDS["ref"]),
        "release": _bounded(change.release, _BOUNDS["release"]),
        "subject": _bounded(change.subject, _BOUNDS["subject"]) or "",
        "what": _bounded(change.what, _TEXT_BOUND) or "",
        "before": _bounded(change.before, _TEXT_BOUND),
        "after": _bounded(change.after, _TEXT_BOUND),
        "source": _bounded(change.source, _BOUNDS["source"]) or "",
        "document_id": document_id,
        "sync_run_id": sync_run_id,
        "baseline": baseline,
        "recorded_at": at,
        # Nobody is told of a baseline: it is born told.
        "told_at": at if baseline else None,
    }


def _is_event(change: Change) -> bool:
    # A conflict or a kept (older) fact changed nothing in the store: nothing to tell.
    return change.event in EVENT_KINDS and change.action not in (CONFLICT, KEEP)


def record_events(
    session: Session,
    changes: Sequence[Change],
    *,
    document_id: int | None,
    sync_run_id: int | None,
    baseline: bool,
) -> int:
    """Store one change event per applied change with an event; returns how many were new."""
    at = clock_now()
    rows: dict[str, dict[str, Any]] = {}
    for change in changes:
        if _is_event(change):
            row = _row(
                change, document_id=document_id, sync_run_id=sync_run_id, baseline=baseline, at=at
            )
            rows.setdefault(row["event_key"], row)
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(ChangeEvent)
        .values(list(rows.values()))
        .on_conflict_do_nothing(index_elements=["event_key"])
        .returning(ChangeEvent.id)
    )
    return len(session.scalars(stmt).all())  # RETURNING lists only the rows inserted


def record_applied(session: Session, report: ChangeReport, *, checksum: str) -> int:
    """Record the events of a paper (or reviewed page) just applied by hand: the CLI, a chat
    Apply button. Not a baseline (someone chose to apply it, so subscribers hear of it) and in
    no sync run, so the events are ready to tell at once. Returns how many were new."""
    if report.already_applied or not report.changes:
        return 0
    document_id = session.scalar(select(Document.id).where(Document.checksum == checksum))
    return record_events(
        session, report.changes, document_id=document_id, sync_run_id=None, baseline=False
    )


def untold_events(session: Session, *, limit: int = 500) -> list[ChangeEvent]:
    """Events not yet planned into the outbox, oldest first."""
    stmt = (
        select(ChangeEvent)
        .where(ChangeEvent.told_at.is_(None))
        .order_by(ChangeEvent.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def mark_told(session: Session, *, event_ids: Sequence[int], at: datetime) -> int:
    """Note that these events' deliveries are in the outbox (guarded: told once)."""
    if not event_ids:
        return 0
    stmt = (
        update(ChangeEvent)
        .where(ChangeEvent.id.in_(list(event_ids)), ChangeEvent.told_at.is_(None))
        .values(told_at=at)
    )
    return int(getattr(session.execute(stmt), "rowcount", 0) or 0)


def events_ready(session: Session, *, now: datetime, hold: timedelta) -> list[ChangeEvent]:
    """Untold events whose sync run has finished (or has run longer than ``hold``: died).

    A run's events are told together, so one sync makes one batch per recipient; events with
    no run (a paper ingested by hand) are ready at once. On PostgreSQL the rows are locked, so
    a second planner waits and then finds them told.
    """
    stmt = select(ChangeEvent).where(ChangeEvent.told_at.is_(None)).order_by(ChangeEvent.id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=ChangeEvent)
    events = list(session.scalars(stmt.limit(2000)))
    run_ids = {e.sync_run_id for e in events if e.sync_run_id is not None}
    if not run_ids:
        return events
    runs = session.execute(
        select(SyncRun.id, SyncRun.started_at, SyncRun.finished_at).where(SyncRun.id.in_(run_ids))
    )
    open_runs = {
        run_id for run_id, started, finished in runs if finished is None and now - started < hold
    }
    return [e for e in events if e.sync_run_id not in open_runs]


def modifications_by_ref(session: Session, refs: Iterable[str]) -> dict[str, Modification]:
    """The modifications named, with their target release loaded."""
    wanted = sorted(set(refs))
    if not wanted:
        return {}
    stmt = (
        select(Modification)
        .options(selectinload(Modification.target_release))
        .where(Modification.ref.in_(wanted))
    )
    return {mod.ref: mod for mod in session.scalars(stmt)}


def _people(session: Session, modification_ids: Iterable[int]) -> dict[int, set[Recipient]]:
    """Proposer contacts and followers with a chat account, per modification."""
    found: dict[int, set[Recipient]] = {}
    stmt = select(Contact).where(
        Contact.modification_id.in_(sorted(set(modification_ids))),
        Contact.role.in_(("proposer", "follower")),
    )
    for contact in session.scalars(stmt):
        assert contact.modification_id is not None
        people = found.setdefault(contact.modification_id, set())
        if contact.slack_user_id:
            people.add(("slack", contact.slack_user_id, contact.workspace))
        if contact.teams_user_id:
            people.add(("teams", contact.teams_user_id, contact.workspace))
    return found


def audience(
    session: Session,
    events: Sequence[ChangeEvent],
    *,
    modifications: dict[str, Modification],
    surfaces: Iterable[str],
) -> dict[Recipient, list[ChangeEvent]]:
    """Who hears of which events, in which workspace: `changes` subscribers hear all; a
    modification's or a release's subscribers hear of it (a release's include its
    modifications' events); the Proposer and followers hear of their modification by direct
    message. Each workspace's subscription is its own recipient, told in that workspace."""
    wanted = set(surfaces)
    subs = list(
        session.execute(
            select(
                Subscription.surface,
                Subscription.channel,
                Subscription.topic,
                Subscription.value,
                Subscription.workspace,
            ).where(Subscription.topic.in_(("changes", "ref", "release")))
        )
    )
    people = _people(session, [m.id for m in modifications.values()])
    heard: dict[Recipient, list[ChangeEvent]] = {}
    for event in events:
        mod = modifications.get(event.ref or "")
        releases = {event.release, mod.target_release.name if mod and mod.target_release else None}
        who: set[Recipient] = set(people.get(mod.id, set())) if mod else set()
        for surface, channel, topic, value, workspace in subs:
            if (
                topic == "changes"
                or (topic == "ref" and value == event.ref)
                or (topic == "release" and value in releases)
            ):
                who.add((surface, channel, workspace))
        for address in who:
            if address[0] in wanted:
                heard.setdefault(address, []).append(event)
    return heard
