"""Subscription rows: one per key, whatever the database."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from storage import subscriptions as store

AT = datetime(2021, 10, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def test_subscribing_twice_keeps_one_row(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        first, created = store.create_subscription(
            session,
            surface="slack",
            channel="C1",
            topic="ref",
            value="MP159",
            created_by="U1",
            at=AT,
        )
        again, created_again = store.create_subscription(
            session,
            surface="slack",
            channel="C1",
            topic="ref",
            value="MP159",
            created_by="U2",
            at=AT,
        )
    assert (created, created_again) == (True, False)
    assert first.id == again.id and again.created_by == "U1"
    with sessions() as session:
        assert len(store.list_subscriptions(session)) == 1


def test_list_filters_and_delete(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        for channel, topic in [("C1", "meetings"), ("C1", "deadlines"), ("C2", "meetings")]:
            store.create_subscription(
                session, surface="slack", channel=channel, topic=topic, created_by=None, at=AT
            )
        store.create_subscription(
            session, surface="teams", channel="C1", topic="meetings", created_by=None, at=AT
        )
    with sessions() as session, session.begin():
        assert [
            s.topic for s in store.list_subscriptions(session, surface="slack", channel="C1")
        ] == ["meetings", "deadlines"]
        assert len(store.list_subscriptions(session, topic="meetings")) == 3
        assert store.delete_subscription(session, surface="slack", channel="C1", topic="meetings")
        assert not store.delete_subscription(
            session, surface="slack", channel="C1", topic="meetings"
        )
        assert len(store.list_subscriptions(session, surface="slack")) == 2


def test_unknown_topic_is_refused(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, pytest.raises(ValueError):
        store.create_subscription(
            session, surface="slack", channel="C1", topic="weather", created_by=None, at=AT
        )
