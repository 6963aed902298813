"""kill -9 of the worker while it sends change notices, then a restart: each told once, threaded.

Real ``secbot worker --once`` processes post change notices to the fake Slack. The first round
starts a thread per (channel, modification). In the second, Slack stores a reply and then holds
its answer; the worker is killed with SIGKILL while it waits, so Slack has the message and the
outbox row is still "sending". The next worker takes the lock, finds the reply in the thread
(conversations.replies), records it instead of posting again and rewrites the thread's parent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from sec.timefmt import now
from storage.change_events import record_events
from storage.changes import UPDATE, Change
from storage.db import session_factory, transaction, upgrade
from storage.delivery_models import Delivery
from storage.sample import load_sample
from storage.subscriptions import create_subscription
from tests.conftest import database_url_for, drop_test_engine, make_test_engine
from tests.fakes.slack_api import FakeSlack

pytestmark = [pytest.mark.drill, pytest.mark.postgres]

SECBOT = str(Path(sys.executable).with_name("secbot"))
AT = "2026-12-01T10:00"
CHANNELS = ("C1", "C2")
REFS = ("MP159", "MP154")


@dataclass
class Drill:
    engine: Engine
    url: str
    slack: FakeSlack
    cwd: Path

    def worker(self) -> subprocess.Popen[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
        env.update(
            DATABASE_URL=self.url,
            SLACK_API_BASE_URL=self.slack.base_url,
            SLACK_BOT_TOKEN="xoxb-drill",
            SECBOT_SLACK_PACE="0.01",
            SECBOT_SYNC_ENABLED="false",
        )
        return subprocess.Popen(
            [SECBOT, "worker", "--once", "--at", AT],
            env=env,
            cwd=self.cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish(self) -> None:
        proc = self.worker()
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]

    def record(self, before: str, after: str) -> None:
        changes = [
            Change(
                UPDATE,
                ref,
                f"stage {before} -> {after}",
                "the SECAS page",
                event="stage",
                ref=ref,
                before=before,
                after=after,
            )
            for ref in REFS
        ]
        with transaction(session_factory(self.engine)) as session:
            record_events(session, changes, document_id=None, sync_run_id=None, baseline=False)

    def states(self) -> dict[str, int]:
        with transaction(session_factory(self.engine)) as session:
            stmt = select(Delivery.state, func.count()).group_by(Delivery.state)
            return {str(s): int(n) for s, n in session.execute(stmt)}


@pytest.fixture
def drill(tmp_path: Path) -> Iterator[Drill]:
    engine, schema = make_test_engine("postgres", tmp_path)
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        load_sample(session)
        for channel in CHANNELS:
            create_subscription(
                session,
                surface="slack",
                channel=channel,
                topic="changes",
                created_by="drill",
                at=now(),
            )
    slack = FakeSlack().start()
    yield Drill(engine, database_url_for(engine, schema), slack, tmp_path)
    slack.stop()
    drop_test_engine(engine, schema)


def test_kill_9_mid_change_notice_then_restart_tells_each_once_in_its_thread(
    drill: Drill,
) -> None:
    drill.record("Refinement Process", "Report Phase")
    drill.finish()
    parents = {
        (channel, m["metadata"]["event_payload"]["key"].split(":")[1]): m["ts"]
        for channel in CHANNELS
        for m in drill.slack.messages(channel)
    }
    assert len(parents) == len(CHANNELS) * len(REFS)

    drill.record("Report Phase", "Implemented")
    drill.slack.script("chat.postMessage", hold=60)  # stored in Slack, answer withheld
    proc = drill.worker()
    held = drill.slack.wait_for("chat.postMessage", count=len(parents) + 1, timeout=60)[-1]
    channel = str(held.args["channel"])
    drill.slack.wait_for_messages(channel, count=len(REFS) + 1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert drill.states().get("sending", 0) >= 1  # the killed worker never heard back

    drill.finish()
    assert drill.states() == {"sent": 2 * len(parents)}
    for channel in CHANNELS:
        held_messages = drill.slack.messages(channel)
        keys = Counter(m["metadata"]["event_payload"]["key"] for m in held_messages)
        assert len(held_messages) == 2 * len(REFS) and set(keys.values()) == {1}
        replies = [m for m in held_messages if m.get("thread_ts") not in (None, m["ts"])]
        assert len(replies) == len(REFS)
        for reply in replies:
            ref = reply["metadata"]["event_payload"]["key"].split(":")[1]
            assert reply["thread_ts"] == parents[(channel, ref)]
    updated = Counter((c.args["channel"], c.args["ts"]) for c in drill.slack.calls("chat.update"))
    assert set(updated) == {(channel, ts) for (channel, _), ts in parents.items()}
    for (channel, _ref), ts in parents.items():
        [parent] = [m for m in drill.slack.messages(channel) if m["ts"] == ts]
        assert "Implemented" in parent["text"]  # rewritten with the latest state
