"""kill -9 of the worker at random moments mid fan-out, then a restart: exactly once (PostgreSQL).

Real ``secbot worker --once`` processes send a fan-out to the paced fake Slack (one message a
second per channel, 429 beyond). Each is killed with SIGKILL at a random moment (seeded) once it
has started posting; the next one takes the worker lock, puts the dead one's claims back, looks
each of them up in the channel's history and posts only what Slack does not hold. The fake
counts what it holds: one copy of every reminder, none missing.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from sec.timefmt import LONDON
from storage.db import session_factory, transaction, upgrade
from storage.delivery_models import Delivery
from tests.conftest import database_url_for, drop_test_engine, make_test_engine
from tests.drills.conftest import queue_sample_reminders, rounds
from tests.fakes.slack_api import FakeSlack

pytestmark = [pytest.mark.drill, pytest.mark.postgres]

SECBOT = str(Path(sys.executable).with_name("secbot"))
AT = "2021-10-06T09:00"


@dataclass
class Run:
    engine: Engine
    url: str
    fake: FakeSlack
    cwd: Path

    def worker(self) -> subprocess.Popen[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
        env.update(
            DATABASE_URL=self.url,
            SLACK_API_BASE_URL=self.fake.base_url,
            SLACK_BOT_TOKEN="xoxb-drill",
        )
        return subprocess.Popen(
            [SECBOT, "worker", "--once", "--at", AT],
            env=env,
            cwd=self.cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def accepted(self) -> int:
        return int(self.fake.stats()["counts"].get("accepted", 0))

    def states(self) -> dict[str, int]:
        with transaction(session_factory(self.engine)) as session:
            stmt = select(Delivery.state, func.count()).group_by(Delivery.state)
            return {str(s): int(n) for s, n in session.execute(stmt)}


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    engine, schema = make_test_engine("postgres", tmp_path)
    upgrade(engine)
    fake = FakeSlack(pace=1.0).start()
    yield Run(engine, database_url_for(engine, schema), fake, tmp_path)
    fake.stop()
    drop_test_engine(engine, schema)


def queue(engine: Engine, channels: int, keys: int) -> set[tuple[str, str]]:
    """Real reminders for many channels, due a minute before the worker's clock."""
    due = datetime.fromisoformat(AT).replace(tzinfo=LONDON)
    return queue_sample_reminders(engine, channels=channels, keys=keys, due=due, prefix="CK")


def kill_mid_flight(run: Run, rng: random.Random, most: int) -> int:
    """Start a worker and SIGKILL it once Slack holds a random number (1..most) more of its
    messages: mid-post, mid-pause or mid-claim. Returns how many Slack holds then."""
    target = run.accepted() + rng.randint(1, most)
    proc = run.worker()
    deadline = time.monotonic() + 60
    while run.accepted() < target and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    return run.accepted()


def test_kill_9_mid_fan_out_then_restart_sends_each_reminder_once(run: Run) -> None:
    rng = random.Random(9)
    channels = rounds(60, 120)
    wanted = queue(run.engine, channels=channels, keys=rounds(4, 12))
    seen = [kill_mid_flight(run, rng, channels) for _ in range(rounds(3, 20))]
    left_sending = run.states().get("sending", 0)
    final = run.worker()
    _, err = final.communicate(timeout=180)
    assert final.returncode == 0, err[-2000:]
    stats = run.fake.stats()
    copies = {(c, k): n for c, k, n in stats["copies"]}
    print(
        f"kill -9 x{len(seen)}: accepted after each kill {seen}, left in sending "
        f"{left_sending}, history lookups {stats['counts'].get('history', 0)}, "
        f"429s {stats['counts'].get('rate_limited', 0)}"
    )
    assert seen[-1] < len(wanted), "every kill should land mid fan-out"
    assert run.states() == {"sent": len(wanted)}
    assert sum(n - 1 for n in copies.values()) == 0  # duplicated
    assert set(copies) == wanted  # none lost, none unexpected
