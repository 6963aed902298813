"""Fault drills: quick by default (CI: ``make drills``), long with ``SECBOT_DRILLS=long``.

Every file here sets ``pytestmark = pytest.mark.drill``, so ``make test`` (``-m "not drill"``)
leaves them out. Long mode runs more rounds, more recipients and the drills that disturb other
users of the machine (restarting PostgreSQL).
"""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy import Engine

# The Slack app's fixtures (fake Web API, a private sample store), for the web drills.
from tests.bot.slack.conftest import fake_slack, sample_sqlite, store  # noqa: F401

LONG = os.environ.get("SECBOT_DRILLS", "quick").lower() == "long"


def rounds(quick: int, long: int) -> int:
    """How many times a drill repeats in the current mode."""
    return long if LONG else quick


long_only = pytest.mark.skipif(not LONG, reason="long drill: run with SECBOT_DRILLS=long")


def queue_sample_reminders(
    engine: Engine,
    *,
    channels: int,
    keys: int,
    due: datetime,
    prefix: str,
    enqueued_at: datetime | None = None,
) -> set[tuple[str, str]]:
    """Load the sample data and queue ``keys`` of its real reminders for each of ``channels``
    channels (named prefix0000…), due at ``due``; returns the (channel, key) pairs expected."""
    from bench.fanout import sample_reminders
    from bot.templating import render
    from jobs.payloads import build_payload
    from storage.db import session_factory, transaction
    from storage.outbox import NewDelivery, enqueue_deliveries
    from storage.sample import load_sample

    with transaction(session_factory(engine)) as session:
        load_sample(session)
    rows, wanted = [], set()
    for reminder in sample_reminders(engine, keys):
        payload = build_payload(
            render,
            template="reminder",
            surface="slack",
            key=reminder.key,
            due_at=due,
            context=reminder.context,
        )
        for n in range(channels):
            channel = f"{prefix}{n:04d}"
            rows.append(NewDelivery(reminder.key, reminder.kind, "slack", channel, due, payload))
            wanted.add((channel, reminder.key))
    with transaction(session_factory(engine)) as session:
        enqueue_deliveries(session, rows=rows, now=enqueued_at or due)
    return wanted
