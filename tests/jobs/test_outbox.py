"""The outbox queries on SQLite and PostgreSQL: enqueue once, claim once, guarded marks."""

from __future__ import annotations

import threading
from datetime import UTC, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from storage.db import transaction
from storage.outbox import (
    NewDelivery,
    claim_due,
    count_deliveries,
    enqueue_deliveries,
    list_deliveries,
    mark_dead,
    mark_retry,
    mark_sent,
    mark_unclaimed,
    purge_finished,
    release_orphans,
    requeue_delivery,
    skip_overdue,
)
from tests.jobs.conftest import london, rows

NOW = london("2019-04-02T09:00")  # BST


def _new(key: str, recipient: str = "C1", due: timedelta = timedelta(0)) -> NewDelivery:
    payload = {"text": key, "blocks": [], "metadata": {}}
    return NewDelivery(key, "meeting", "slack", recipient, NOW - due, payload)


def _enqueue(sessions: sessionmaker[Session], *items: NewDelivery) -> int:
    with transaction(sessions) as session:
        return enqueue_deliveries(session, rows=list(items), now=NOW)


def _claim(sessions: sessionmaker[Session], worker: str, **kw: object) -> list[int]:
    with transaction(sessions) as session:
        claimed = claim_due(
            session, now=NOW, worker_id=worker, claimed_at=NOW, surfaces=["slack"], **kw
        )  # type: ignore[arg-type]
    return [c.id for c in claimed]


def test_enqueue_is_idempotent_per_key_surface_and_recipient(sessions: sessionmaker) -> None:
    assert _enqueue(sessions, _new("a"), _new("a", "C2")) == 2
    assert _enqueue(sessions, _new("a"), _new("a", "C2"), _new("b")) == 1
    assert [(r.reminder_key, r.recipient, r.state) for r in rows(sessions)] == [
        ("a", "C1", "pending"),
        ("a", "C2", "pending"),
        ("b", "C1", "pending"),
    ]


def test_times_come_back_aware_and_exact_across_dst(sessions: sessionmaker) -> None:
    _enqueue(sessions, _new("a"))
    (row,) = rows(sessions)
    assert row.due_at == NOW and row.due_at.tzinfo is UTC
    assert row.due_at.astimezone(NOW.tzinfo).hour == 9


def test_a_row_is_claimed_once_and_only_its_claimer_marks_it(sessions: sessionmaker) -> None:
    _enqueue(sessions, _new("a"), _new("later", due=-timedelta(minutes=1)))
    assert len(_claim(sessions, "w1")) == 1  # "later" is not due yet
    assert _claim(sessions, "w2") == []
    (row_id,) = [r.id for r in rows(sessions) if r.reminder_key == "a"]
    with transaction(sessions) as session:
        assert not mark_sent(
            session, delivery_id=row_id, worker_id="w2", ts="1", at=NOW, late=False
        )
        assert mark_sent(session, delivery_id=row_id, worker_id="w1", ts="1.5", at=NOW, late=True)
        assert not mark_dead(session, delivery_id=row_id, worker_id="w1", error="x")
    row = next(r for r in rows(sessions) if r.id == row_id)
    assert (row.state, row.message_ts, row.attempts) == ("late_sent", "1.5", 1)


def test_retry_waits_and_unclaim_gives_the_attempt_back(sessions: sessionmaker) -> None:
    _enqueue(sessions, _new("a"), _new("b"))
    first, second = _claim(sessions, "w1")
    with transaction(sessions) as session:
        mark_retry(
            session,
            delivery_id=first,
            worker_id="w1",
            error="HTTP 500",
            retry_at=NOW + timedelta(seconds=30),
        )
        mark_unclaimed(session, delivery_id=second, worker_id="w1")
    assert _claim(sessions, "w1") == [second]
    attempts = {r.id: r.attempts for r in rows(sessions)}
    assert attempts == {first: 1, second: 1}


def test_overdue_untried_rows_are_skipped_and_tried_ones_kept(sessions: sessionmaker) -> None:
    _enqueue(sessions, _new("old", due=timedelta(hours=30)), _new("tried", due=timedelta(hours=30)))
    with transaction(sessions) as session:
        claimed = claim_due(
            session, now=NOW, worker_id="w", claimed_at=NOW, surfaces=["slack"], limit=1
        )
        mark_retry(session, delivery_id=claimed[0].id, worker_id="w", error="e", retry_at=NOW)
    with transaction(sessions) as session:
        assert skip_overdue(session, due_before=NOW - timedelta(hours=24), reason="missed") == 1
    states = sorted((r.state, r.attempts) for r in rows(sessions))
    assert states == [("pending", 1), ("skipped", 0)]


def test_orphans_go_back_to_pending(sessions: sessionmaker) -> None:
    _enqueue(sessions, _new("a"), _new("b"))
    _claim(sessions, "dead-worker", limit=1)
    with transaction(sessions) as session:
        # Not stale yet, and no lock held: left alone.
        assert release_orphans(session, claimed_before=NOW - timedelta(minutes=10)) == 0
        # The lock holder knows nobody else is sending.
        assert release_orphans(session, claimed_before=NOW, other_than="me") == 1
    (orphan,) = [r for r in rows(sessions) if r.attempts == 1]
    assert (orphan.state, orphan.claimed_by) == ("pending", None)


def test_dead_letters_are_listed_and_can_be_requeued(sessions: sessionmaker) -> None:
    _enqueue(sessions, _new("a"))
    (row_id,) = _claim(sessions, "w")
    with transaction(sessions) as session:
        mark_dead(session, delivery_id=row_id, worker_id="w", error="channel_not_found")
    with transaction(sessions) as session:
        assert [d.last_error for d in list_deliveries(session, state="dead")] == [
            "channel_not_found"
        ]
        assert count_deliveries(session) == {"dead": 1}
        assert requeue_delivery(session, delivery_id=row_id)
        assert not requeue_delivery(session, delivery_id=row_id)
        assert purge_finished(session, due_before=NOW + timedelta(days=1)) == 0
    assert rows(sessions)[0].state == "pending"


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_concurrent_claims_on_postgres_take_disjoint_rows(sessions: sessionmaker) -> None:
    _enqueue(sessions, *(_new(f"k{i}", f"C{i % 7}") for i in range(300)))
    results: dict[str, list[int]] = {}
    barrier = threading.Barrier(4)

    def claim(worker: str) -> None:
        barrier.wait()
        got: list[int] = []
        while batch := _claim(sessions, worker, limit=7):
            got.extend(batch)
        results[worker] = got

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [row_id for got in results.values() for row_id in got]
    assert len(claimed) == len(set(claimed)) == 300
    assert sum(1 for got in results.values() if got) >= 2  # they really competed
