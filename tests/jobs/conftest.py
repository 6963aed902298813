"""Fixtures for the notifier: the fake Slack Web API and job contexts pointed at it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.templating import render
from jobs.context import JobContext, OutboxRules
from jobs.senders.slack import Pacer, SlackDirectory, SlackSender, make_client
from sec.timefmt import LONDON
from storage.db import transaction
from storage.delivery_models import Delivery
from storage.subscriptions import create_subscription
from tests.fakes.slack_api import FakeSlack

TOKEN = "xoxb-test"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def london(text: str) -> datetime:
    """2019-03-18T09:00 in London."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def make_ctx(
    sessions: sessionmaker[Session],
    fake: FakeSlack,
    *,
    clock: datetime | None = None,
    exclusive: bool = True,
    worker_id: str = "test-worker",
    **rules: Any,
) -> JobContext:
    """A context whose Slack sender talks to the fake, unpaced."""
    client = make_client(TOKEN, fake.base_url, timeout=5)
    ctx = JobContext(
        sessions=sessions,
        render=render,
        senders={"slack": SlackSender(client, Pacer(0))},
        directory=SlackDirectory(client),
        worker_id=worker_id,
        exclusive=exclusive,
        rules=OutboxRules(**rules),
    )
    if clock is not None:
        ctx.clock = ctx.wall_clock = lambda: clock
    return ctx


def subscribe(
    sessions: sessionmaker[Session],
    channel: str,
    topic: str,
    value: str = "",
    at: datetime | None = None,
) -> None:
    with transaction(sessions) as session:
        create_subscription(
            session,
            surface="slack",
            channel=channel,
            topic=topic,
            value=value,
            created_by="test",
            at=at or london("2017-01-01T00:00"),
        )


def posted(fake: FakeSlack) -> list[tuple[str, str]]:
    """(channel, metadata key) of every chat.postMessage the fake received."""
    found = []
    for call in fake.calls("chat.postMessage"):
        meta = call.args.get("metadata") or {}
        if isinstance(meta, str):
            meta = json.loads(meta)
        found.append((str(call.args.get("channel")), meta.get("event_payload", {}).get("key")))
    return found


def stored(fake: FakeSlack, channels: list[str]) -> Counter[tuple[str, str]]:
    """(channel, key) -> how many messages the fake holds (what Slack accepted)."""
    counts: Counter[tuple[str, str]] = Counter()
    for channel in channels:
        for message in fake.messages(channel):
            counts[(channel, message["metadata"]["event_payload"]["key"])] += 1
    return counts


def rows(sessions: sessionmaker[Session]) -> list[Delivery]:
    with transaction(sessions) as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.due_at, Delivery.id)))
