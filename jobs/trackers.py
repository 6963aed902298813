"""The trackers job: keep every live tracker current, once per change set, through the outbox.

Each run looks only at trackers that have not been looked at since the store revision
(storage.revision: every write of facts bumps it) or the London day moved; while a website sync
is still running it waits, so a sync's changes make one rewrite, not one per page. For each
tracker looked at, the content (from ``ctx.tracker_content``, which the entry point hands over
as it hands the renderer) is digested: an unchanged digest queues nothing, a new one queues one
outbox row keyed ``tracker:<id>:<digest>``, so replanning or a restart never writes twice. The
Slack sender (jobs/senders/slack_trackers.py) creates the canvas or the pinned message the
first time and rewrites it in place afterwards; a row superseded by a newer one is skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.context import JobContext
from jobs.senders.slack import metadata
from sec.timefmt import LONDON
from storage import revision
from storage.db import transaction
from storage.delivery_models import Delivery, DeliveryState
from storage.outbox import NewDelivery, enqueue_deliveries
from storage.site_models import SyncRun
from storage.tracker_models import Tracker
from storage.trackers import trackers_to_look_at

KIND = "tracker"
SYNC_HOLD = timedelta(hours=6)  # a sync run open longer than this has died (as change notices)


def tracker_key(tracker_id: int) -> str:
    """The stable metadata key of a tracker's pinned message (found again after a crash)."""
    return f"tracker:{tracker_id}"


def digest_of(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def sync_running(session: Session, *, now: datetime) -> bool:
    """A website sync is applying changes now: wait for its whole change set."""
    stmt = select(SyncRun.id).where(
        SyncRun.finished_at.is_(None), SyncRun.started_at > now - SYNC_HOLD
    )
    return session.scalar(stmt.limit(1)) is not None


def _lost(session: Session, key: str) -> bool:
    """The row that wrote this content was skipped or given up, so the tracker never showed it."""
    states = session.scalars(select(Delivery.state).where(Delivery.reminder_key.startswith(key)))
    found = list(states)
    return bool(found) and all(s in (DeliveryState.SKIPPED, DeliveryState.DEAD) for s in found)


def trackers_job(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Queue a rewrite of every tracker whose content changed since it was last written."""
    if ctx.tracker_content is None or "slack" not in ctx.senders:
        return {}
    day = now.astimezone(LONDON).date()
    with transaction(ctx.sessions) as session:
        if sync_running(session, now=now):
            return {}
        seen = revision.current(session)
        rows = []
        for tracker in trackers_to_look_at(session, revision=seen, day=day):
            tracker.revision_seen, tracker.day_seen = seen, day
            row = _rewrite(ctx, session, tracker, now)
            if row is not None:
                rows.append(row)
        queued = enqueue_deliveries(session, rows=rows, now=ctx.wall_clock())
    return {"tracker_rewrites": queued} if queued else {}


def _rewrite(
    ctx: JobContext, session: Session, tracker: Tracker, now: datetime
) -> NewDelivery | None:
    assert ctx.tracker_content is not None
    content = ctx.tracker_content(
        session, target=tracker.target, owner=tracker.owner, as_of=now.astimezone(LONDON).date()
    )
    if content is None:
        tracker.last_error = "its target no longer resolves (release or list gone)"
        return None
    digest = digest_of(content)
    key = f"{tracker_key(tracker.id)}:{digest[:32]}"
    if digest == tracker.digest:
        if not _lost(session, key):
            return None  # the store moved, but not in anything this tracker shows
        # Its last write was skipped (the worker was down past the catch-up window): again.
        key = f"{key}:{now.astimezone(LONDON).date().isoformat()}"
    tracker.digest = digest
    payload = {
        "text": content["text"],
        "blocks": content["blocks"],
        "metadata": metadata(tracker_key(tracker.id)),
        "tracker": {
            "id": tracker.id,
            "digest": digest,
            "title": content["title"],
            "markdown": content["markdown"],
        },
    }
    return NewDelivery(key, KIND, "slack", tracker.channel, now, payload, tracker.workspace)
