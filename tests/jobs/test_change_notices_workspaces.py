"""Change notices per workspace: each workspace's subscription is told in that workspace, and
thread parents are kept apart by workspace (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs.change_notices import change_notices_job
from jobs.senders.slack_threads import in_workspace
from storage.change_threads import ThreadBook
from storage.db import transaction
from storage.delivery_models import Delivery
from storage.subscriptions import create_subscription
from tests.fakes.slack_api import FakeSlack
from tests.jobs.test_change_notices import NOW, ctx_for, record, stage

GRID_USER = "W0GRID"  # an Enterprise Grid user: one id in two workspaces


def test_one_person_subscribed_in_two_workspaces_is_told_in_each(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    with transaction(loaded) as session:
        for workspace in ("default", "T0SECOND"):
            create_subscription(
                session,
                surface="slack",
                channel=GRID_USER,
                topic="changes",
                created_by="test",
                at=NOW,
                workspace=workspace,
            )
    record(loaded, [stage("MP159", "Refinement Process", "Implemented")])
    counts = change_notices_job(ctx_for(loaded, fake_slack), NOW)
    assert counts.get("change_notices") == 2
    with loaded() as session:
        rows = session.scalars(select(Delivery).where(Delivery.kind == "change")).all()
    assert sorted((r.recipient, r.workspace) for r in rows) == [
        (GRID_USER, "T0SECOND"),
        (GRID_USER, "default"),
    ]
    # Each row's key is its own, and the message metadata names that key (retries find it).
    assert len({r.reminder_key for r in rows}) == 2
    assert all(r.payload["metadata"]["event_payload"]["key"] == r.reminder_key for r in rows)


def test_thread_parents_are_kept_per_workspace(loaded: sessionmaker[Session]) -> None:
    book = ThreadBook(loaded)
    first, second = in_workspace(book, "T0FIRST"), in_workspace(book, "T0SECOND")
    assert first.remember(GRID_USER, "MP159", "111.1") == "111.1"
    assert second.parent(GRID_USER, "MP159") is None  # a ts from elsewhere is no good here
    assert second.remember(GRID_USER, "MP159", "222.2") == "222.2"
    assert first.parent(GRID_USER, "MP159") == "111.1"
    first.forget(GRID_USER, "MP159")
    assert first.parent(GRID_USER, "MP159") is None
    assert second.parent(GRID_USER, "MP159") == "222.2"
