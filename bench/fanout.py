"""Reminder fan-out: 10,000 deliveries due at once, through the outbox to a paced fake Slack.

Ten real reminders (planned from the sample data, rendered by the real templates) are queued
for 1,000 channels each with ``enqueue_deliveries``, all due now. The fake Slack (the tests'
``tests.fakes.slack_api``, paced, in its own process) accepts one message a second per channel
and answers 429 with Retry-After beyond. The dispatcher is the worker's own:
``jobs.dispatch.dispatch_due`` with the real ``SlackSender`` and ``Pacer(1.0)``, run as the
every-minute job runs it (a run that leaves rows behind is followed by the next one at the next
minute).

The floor is what the rate limit allows: the most messages any channel gets times the pacing
interval (10 x 1 s). Counted at the fake: sent once, duplicated, lost.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from sqlalchemy import Engine, func, select

from bot.templating import render
from jobs.context import JobContext, OutboxRules
from jobs.dispatch import dispatch_due
from jobs.payloads import build_payload
from jobs.plan import load_snapshot
from jobs.senders.slack import Pacer, SlackSender, make_client
from sec.reminders import DEFAULT_POLICY, PlannedReminder, reminders_between
from sec.timefmt import LONDON, now
from storage.db import session_factory, transaction, upgrade
from storage.delivery_models import Delivery
from storage.outbox import NewDelivery, enqueue_deliveries
from storage.sample import load_sample

CHANNELS = 1_000
REMINDERS = 10
PACE = 1.0
MAX_RUNS = 6  # the bench gives up after this many minute-runs
TOKEN = "xoxb-bench-token"


@dataclass(frozen=True)
class FanoutResult:
    backend: str
    recipients: int
    channels: int
    per_channel: int
    floor_s: float
    wall_s: float
    enqueue_s: float
    runs: int
    sent_once: int
    duplicated: int
    lost: int
    rate_limited: int

    @property
    def ratio(self) -> float:
        return self.wall_s / self.floor_s


def sample_reminders(engine: Engine, count: int = REMINDERS) -> list[PlannedReminder]:
    """The first ``count`` reminders of 2021 in the sample data."""
    sessions = session_factory(engine)
    first, last = date(2021, 1, 1), date(2021, 12, 31)
    horizon = timedelta(days=DEFAULT_POLICY.horizon_days())
    with transaction(sessions) as session:
        snapshot, calendar = load_snapshot(session, start=first, end=last + horizon, as_of=last)
    window = (datetime.combine(first, dtime.min, LONDON), datetime.combine(last, dtime.max, LONDON))
    planned = reminders_between(snapshot, calendar, *window)
    return planned[:count]


def queue(engine: Engine, reminders: list[PlannedReminder], channels: int) -> float:
    """Queue every reminder for every channel, due a minute ago; returns the seconds taken."""
    started = time.perf_counter()
    due = now() - timedelta(minutes=1)
    rows: list[NewDelivery] = []
    for reminder in reminders:
        payload = build_payload(
            render,
            template="reminder",
            surface="slack",
            key=reminder.key,
            due_at=due,
            context=reminder.context,
        )
        rows += [
            NewDelivery(reminder.key, reminder.kind, "slack", f"CF{n:05d}", due, payload)
            for n in range(channels)
        ]
    sessions = session_factory(engine)
    for start in range(0, len(rows), 1000):
        with transaction(sessions) as session:
            enqueue_deliveries(session, rows=rows[start : start + 1000], now=now())
    return time.perf_counter() - started


def _pending(engine: Engine) -> int:
    with transaction(session_factory(engine)) as session:
        stmt = select(func.count()).select_from(Delivery).where(Delivery.state != "sent")
        return int(session.scalar(stmt) or 0)


def drain(engine: Engine, base_url: str) -> tuple[float, int]:
    """Run the reminders job's dispatch as the worker would until nothing is left."""
    sender = SlackSender(make_client(TOKEN, base_url), Pacer(PACE))
    ctx = JobContext(
        sessions=session_factory(engine),
        render=render,
        senders={"slack": sender},
        exclusive=True,
        rules=OutboxRules(),
    )
    started = time.monotonic()
    runs = 0
    while runs < MAX_RUNS:
        runs += 1
        dispatch_due(ctx, now())
        if _pending(engine) == 0:
            break
        elapsed = time.monotonic() - started
        time.sleep(max(0.0, 60 * math.ceil(elapsed / 60) - elapsed))  # the next minute's run
    return time.monotonic() - started, runs


def start_fake() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.slack_api", "--pace", str(PACE)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().split()[1]


def count_at_fake(base_url: str, wanted: set[tuple[str, str]]) -> dict[str, int]:
    with urllib.request.urlopen(base_url.removesuffix("api/") + "stats", timeout=30) as answer:
        stats: dict[str, Any] = json.load(answer)
    copies = {(c, k): n for c, k, n in stats["copies"]}
    return {
        "sent_once": sum(1 for pair in wanted if copies.get(pair) == 1),
        "duplicated": sum(n - 1 for n in copies.values() if n > 1),
        "lost": sum(1 for pair in wanted if pair not in copies),
        "rate_limited": int(stats["counts"].get("rate_limited", 0)),
    }


def run(engine: Engine, backend: str, channels: int = CHANNELS) -> FanoutResult:
    """Migrate and load the sample into an empty store, queue, drain, count."""
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        load_sample(session)
    reminders = sample_reminders(engine)
    enqueue_s = queue(engine, reminders, channels)
    fake, base_url = start_fake()
    try:
        wall, runs = drain(engine, base_url)
        wanted = {(f"CF{n:05d}", r.key) for r in reminders for n in range(channels)}
        counts = count_at_fake(base_url, wanted)
    finally:
        fake.kill()
        fake.wait()
    per_channel = max(Counter(c for c, _ in wanted).values())
    return FanoutResult(
        backend,
        len(wanted),
        channels,
        per_channel,
        per_channel * PACE,
        wall,
        enqueue_s,
        runs,
        **counts,
    )


if __name__ == "__main__":
    import tempfile

    from storage.db import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/fanout.db")
        print(run(engine, "sqlite", int(sys.argv[1]) if len(sys.argv) > 1 else CHANNELS))
