"""Change events: one per applied change with an event, stable keys, baseline born told."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sec.timefmt import now
from storage.change_event_models import ChangeEvent
from storage.change_events import mark_told, record_events, untold_events
from storage.changes import ADD, CONFLICT, KEEP, UPDATE, Change
from storage.db import transaction

STAGE = Change(
    UPDATE,
    "MP159",
    "stage Refinement Process -> Implemented",
    "SECAS page",
    event="stage",
    ref="MP159",
    before="Refinement Process",
    after="Implemented",
)
SCOPE = Change(
    ADD,
    "June 2022",
    "scope + MP159",
    "SECAS page",
    event="scope_added",
    ref="MP159",
    release="June 2022",
)
BOOKKEEPING = Change(ADD, "MP159", "history 2021-05-26", "SECAS page")


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ChangeEvent)) or 0)


def test_one_event_per_change_with_an_event_and_again_is_a_no_op(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        new = record_events(
            session,
            [STAGE, SCOPE, BOOKKEEPING, STAGE],
            document_id=None,
            sync_run_id=7,
            baseline=False,
        )
    assert new == 2
    with transaction(sessions) as session:
        again = record_events(
            session, [STAGE, SCOPE], document_id=None, sync_run_id=7, baseline=False
        )
        assert again == 0
        assert _count(session) == 2
        kinds = [e.kind for e in untold_events(session)]
    assert kinds == ["stage", "scope_added"]


def test_conflicts_and_kept_facts_are_not_events(sessions: sessionmaker[Session]) -> None:
    conflict = Change(CONFLICT, "MP159", "stage", "p", event="stage", ref="MP159")
    kept = Change(KEEP, "MP159", "stage", "p", event="stage", ref="MP159")
    with transaction(sessions) as session:
        assert (
            record_events(
                session, [conflict, kept], document_id=None, sync_run_id=None, baseline=False
            )
            == 0
        )


def test_baseline_events_are_born_told(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        assert record_events(session, [STAGE], document_id=None, sync_run_id=1, baseline=True) == 1
        assert untold_events(session) == []
        event = session.scalars(select(ChangeEvent)).one()
        assert event.baseline and event.told_at is not None


def test_events_live_and_die_with_the_callers_transaction(
    sessions: sessionmaker[Session],
) -> None:
    with pytest.raises(RuntimeError), transaction(sessions) as session:
        record_events(session, [STAGE], document_id=None, sync_run_id=2, baseline=False)
        raise RuntimeError("the sync failed after applying")
    with transaction(sessions) as session:
        assert _count(session) == 0


def test_mark_told_tells_once(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        record_events(session, [STAGE], document_id=None, sync_run_id=3, baseline=False)
        ids = [e.id for e in untold_events(session)]
        assert mark_told(session, event_ids=ids, at=now()) == 1
        assert mark_told(session, event_ids=ids, at=now()) == 0
