"""A Slack that fails at random: every reminder still arrives exactly once (counted at the fake).

The fake Slack (``tests.fakes.slack_api`` with a seeded ``Chaos``) answers chat.postMessage with
429s, 500s (before and after keeping the message), ``ok: false`` errors, answers slower than
the client's timeout and dropped connections. The real dispatcher and Slack sender run until
the outbox is settled, the scheduler's clock stepping past each backoff; the fake then holds one
copy of every reminder.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bot.templating import render
from jobs.context import JobContext, OutboxRules
from jobs.dispatch import dispatch_due
from jobs.senders.slack import Pacer, SlackSender, make_client
from sec.timefmt import LONDON
from storage.db import session_factory, transaction, upgrade
from storage.delivery_models import Delivery
from tests.conftest import BACKENDS, drop_test_engine, make_test_engine
from tests.drills.conftest import LONG, queue_sample_reminders, rounds
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_faults import Chaos

pytestmark = pytest.mark.drill

DUE = datetime(2021, 10, 6, 9, 0, tzinfo=LONDON)
CHAOS = Chaos(
    seed=20211006,
    rate_limited=0.08,
    server_error=0.05,
    error_after_accept=0.05,
    not_ok=0.05,
    slow=0.02,
    dropped=0.05,
    slow_seconds=1.5,
)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    engine, schema = make_test_engine(str(request.param), tmp_path)
    upgrade(engine)
    yield engine
    drop_test_engine(engine, schema)


def queue(engine: Engine, channels: int, keys: int) -> set[tuple[str, str]]:
    """``keys`` real reminders (from the sample data) for each of ``channels`` channels."""
    return queue_sample_reminders(engine, channels=channels, keys=keys, due=DUE, prefix="CX")


def settle(engine: Engine, fake: FakeSlack, *, limit: int = 40) -> dict[str, int]:
    """Dispatch as the worker would, moving the clock past each backoff, until nothing is left."""
    sender = SlackSender(make_client("xoxb-drill", fake.base_url, timeout=1), Pacer(0))
    rules = OutboxRules(max_attempts=12)  # the drill is about duplicates, not dead letters
    ctx = JobContext(
        sessions=session_factory(engine),
        render=render,
        senders={"slack": sender},
        exclusive=True,
        rules=rules,
    )
    clock = DUE
    for _ in range(limit):
        dispatch_due(ctx, clock)
        with transaction(ctx.sessions) as session:
            states = dict(
                session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all()
            )
        if set(states) <= {"sent", "late_sent", "dead"}:  # settled
            return states
        clock += rules.backoff_cap  # past any backoff (and still inside the 24 h catch-up)
    return states


def test_every_reminder_arrives_exactly_once_through_a_chaotic_slack(engine: Engine) -> None:
    wanted = queue(engine, channels=rounds(40, 300), keys=rounds(4, 8))
    fake = FakeSlack(pace=0, chaos=CHAOS).start()
    try:
        states = settle(engine, fake)
        copies = {(c, k): n for c, k, n in fake.stats()["copies"]}
        counts = fake.stats()["counts"]
    finally:
        fake.stop()
    faults = {k: v for k, v in counts.items() if k not in ("posts", "accepted", "history")}
    print(
        f"chaos ({'long' if LONG else 'quick'}): {len(wanted)} reminders, faults {faults},"
        f" history lookups {counts.get('history', 0)}, states {states}"
    )
    assert states.get("sent", 0) + states.get("late_sent", 0) == len(wanted), states
    assert {pair for pair, n in copies.items() if n == 1} == wanted  # sent once
    assert sum(n - 1 for n in copies.values()) == 0  # duplicated
    assert set(copies) == wanted  # nothing unexpected, nothing lost
    assert all(
        faults.get(name, 0) > 0
        for name in ("rate_limited", "server_error", "error_after_accept", "not_ok", "dropped")
    ), faults
