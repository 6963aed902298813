"""Site pages kept for review (SECBOT_SYNC_APPLY=review) shown to the administrators.

After each pass, every pending change set the sync kept and nobody was shown yet is posted to
the administrators' channel as the same diff message a paper sent in chat gets (Apply and
Discard; ``jobs.ingest_diff`` builds it, ``templates/slack/ingest_diff.json.j2`` lays it out).
Each goes through the outbox under the key ``sync-review:<checksum>``, so a change set is posted
once however many passes see it; a pass posts at most MAX_OFFERS, and the rest wait for the next
(oldest first), so a first sync in review mode does not flood the channel. Apply is the chat's
button: ``storage.pending_ingests.apply_pending`` writes the facts and their change events.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs.context import Renderer
from jobs.ingest_diff import SYNC_ACTOR, diff_text, diff_view
from jobs.payloads import metadata
from jobs.sync.config import SyncConfig
from storage.changes import apply_changeset
from storage.db import transaction
from storage.delivery_models import Delivery
from storage.ingest import ChangeSet
from storage.ingest_models import PENDING, PendingIngest
from storage.outbox import NewDelivery, enqueue_deliveries
from storage.pending_ingests import MAX_AGE
from storage.tenancy import workspaces_of_recipients
from storage.tenancy_models import DEFAULT_WORKSPACE

log = logging.getLogger(__name__)

Address = tuple[str, str]
KIND = "sync_review"
MAX_OFFERS = 20  # diff messages per pass; the rest wait for the next pass


def review_key(pending: PendingIngest) -> str:
    """One outbox key per change set (its document checksum)."""
    return f"sync-review:{pending.checksum}"


def _unshown(session: Session, now: datetime) -> list[PendingIngest]:
    """The sync's pending change sets, oldest first, whose diff is not in the outbox yet."""
    rows = list(
        session.scalars(
            select(PendingIngest)
            .where(
                PendingIngest.state == PENDING,
                PendingIngest.requested_by == SYNC_ACTOR,
                PendingIngest.created_at >= now - MAX_AGE,
            )
            .order_by(PendingIngest.id)
            .limit(1000)
        )
    )
    keys = [review_key(row) for row in rows]
    shown = set(
        session.scalars(
            select(Delivery.reminder_key).where(
                Delivery.reminder_key.in_(keys), Delivery.kind == KIND
            )
        )
    )
    return [row for row in rows if review_key(row) not in shown]


def _payload(render: Renderer, pending: PendingIngest, session: Session, now: datetime) -> dict:
    """The diff message as of now: the stored change set dry-run against today's store."""
    changes = ChangeSet.from_json(pending.changes)
    report = apply_changeset(
        session,
        changes,
        checksum=pending.checksum,
        path=pending.source,
        actor=SYNC_ACTOR,
        dry_run=True,
    )
    title = changes.documents[0].title if changes.documents else None
    view = diff_view(pending, report, title)
    return {
        "text": diff_text(view),
        "blocks": json.loads(render("slack", "ingest_diff", d=view)),
        "metadata": metadata(review_key(pending)),
        "late_note": render("text", "late_note", due_at=now),
    }


def offer_reviews(
    session: Session, render: Renderer, target: Address | None, *, now: datetime
) -> int:
    """Queue the diff of each unshown pending page for the administrators; how many were new."""
    if target is None:
        return 0
    surface, channel = target
    if surface != "slack":
        # The Apply and Discard buttons are Slack's; a Teams channel is not offered them.
        log.warning("sync review: the administrators' channel is not on Slack; nothing posted")
        return 0
    workspace = workspaces_of_recipients(session, surface=surface, recipients=[channel]).get(
        channel, DEFAULT_WORKSPACE
    )
    rows = []
    for pending in _unshown(session, now)[:MAX_OFFERS]:
        # Only the workspace the message is shown in may decide it (as for papers in chat).
        pending.workspace, pending.channel = workspace, channel
        payload = _payload(render, pending, session, now)
        rows.append(
            NewDelivery(review_key(pending), KIND, surface, channel, now, payload, workspace)
        )
    return enqueue_deliveries(session, rows=rows, now=now)


def offer_after_pass(
    sessions: sessionmaker[Session],
    render: Renderer,
    target: Address | None,
    *,
    config: SyncConfig,
    dry_run: bool,
    now: datetime,
) -> int:
    """After a pass in review mode (not a dry run), offer what is waiting; 0 otherwise."""
    if config.apply != "review" or dry_run or target is None:
        return 0
    with transaction(sessions) as session:
        return offer_reviews(session, render, target, now=now)
