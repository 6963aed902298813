"""The dispatcher's lanes: paced per recipient, interleaved across recipients, within budget."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.templating import render
from jobs.context import JobContext, OutboxRules, SendResult
from jobs.dispatch import dispatch_due
from storage.db import transaction
from storage.outbox import ClaimedDelivery, NewDelivery, enqueue_deliveries
from tests.jobs.conftest import london, rows

NOW = london("2019-03-18T09:00")
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


class PacedRecorder:
    """A sender with a pace that notes when each recipient was sent to."""

    surface = "slack"

    def __init__(self, pace: float, work: float = 0.0) -> None:
        self.pace, self.work = pace, work
        self.sent: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def send(self, delivery: ClaimedDelivery, *, late: bool, too_old: bool) -> SendResult:
        with self._lock:
            self.sent[delivery.recipient].append(time.monotonic())
        time.sleep(self.work)
        return SendResult("sent", ts=f"{delivery.id}.0")


def queue(sessions: sessionmaker[Session], channels: int, per_channel: int) -> None:
    new = [
        NewDelivery(f"k{k}", "meeting", "slack", f"C{n}", NOW, {"text": "t", "blocks": []})
        for k in range(per_channel)
        for n in range(channels)
    ]
    with transaction(sessions) as session:
        enqueue_deliveries(session, rows=new, now=NOW)


def context(sessions: sessionmaker[Session], sender: PacedRecorder, **rules: object) -> JobContext:
    return JobContext(
        sessions=sessions, render=render, senders={"slack": sender}, rules=OutboxRules(**rules)
    )  # type: ignore[arg-type]


@SQLITE_ONLY
def test_each_channel_is_paced_and_channels_interleave(sessions: sessionmaker[Session]) -> None:
    queue(sessions, channels=6, per_channel=3)
    sender = PacedRecorder(pace=0.3)
    started = time.monotonic()
    assert dispatch_due(context(sessions, sender), NOW) == {"sent": 18}
    elapsed = time.monotonic() - started
    for times in sender.sent.values():
        assert len(times) == 3
        assert all(b - a >= 0.3 for a, b in zip(times, times[1:], strict=False))
    # Six channels go side by side: about 2 x 0.3 s, not 6 x 2 x 0.3 s one after another.
    assert elapsed < 1.5
    assert {r.state for r in rows(sessions)} == {"sent"}


@SQLITE_ONLY
def test_rows_left_when_the_budget_runs_out_are_handed_back(
    sessions: sessionmaker[Session],
) -> None:
    queue(sessions, channels=1, per_channel=5)
    sender = PacedRecorder(pace=0.4)
    counts = dispatch_due(context(sessions, sender, channel_budget=1.0), NOW)
    assert counts["sent"] + counts["deferred"] == 5 and 2 <= counts["sent"] <= 3
    left = [r for r in rows(sessions) if r.state != "sent"]
    assert {(r.state, r.attempts) for r in left} == {("pending", 0)}
    later = dispatch_due(context(sessions, PacedRecorder(pace=0)), NOW + timedelta(minutes=1))
    assert later == {"sent": counts["deferred"]}
