"""The store revision: every write of facts bumps it in its transaction; bookkeeping does not."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from sec.references import parse_ref
from storage import queries, revision
from storage.db import transaction
from storage.models import Closure, Modification
from storage.receipt_models import SlackRequestReceipt


def _now(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return revision.current(session)


def test_a_new_store_starts_at_zero(sessions: sessionmaker[Session]) -> None:
    assert _now(sessions) == 0


def test_loading_the_sample_counts(loaded: sessionmaker[Session]) -> None:
    assert _now(loaded) >= 1  # the sample load is a write like any other


def test_each_written_transaction_bumps_once_and_reading_does_not(
    loaded: sessionmaker[Session],
) -> None:
    before = _now(loaded)
    with transaction(loaded) as session:
        queries.get_modification(session, ref=parse_ref("MP159"))
    assert _now(loaded) == before
    with transaction(loaded) as session:
        session.add(Closure(day=date(2031, 12, 29), reason="office shut"))
        session.flush()
        session.add(Closure(day=date(2031, 12, 30), reason="office shut"))
    assert _now(loaded) == before + 1


def test_an_orm_update_statement_counts(loaded: sessionmaker[Session]) -> None:
    before = _now(loaded)
    with transaction(loaded) as session:
        session.execute(update(Modification).values(status="Changed by a bulk update"))
    assert _now(loaded) == before + 1


def test_a_rolled_back_write_does_not_count(loaded: sessionmaker[Session]) -> None:
    before = _now(loaded)
    with pytest.raises(RuntimeError), transaction(loaded) as session:
        session.add(Closure(day=date(2031, 12, 31), reason="never kept"))
        session.flush()
        raise RuntimeError("the writer failed")
    assert _now(loaded) == before


def test_bookkeeping_rows_do_not_count(loaded: sessionmaker[Session]) -> None:
    before = _now(loaded)
    with transaction(loaded) as session:
        session.add(SlackRequestReceipt(key="command:T1:trigger", received_at=datetime.now(UTC)))
    assert _now(loaded) == before
