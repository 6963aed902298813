"""Real `secbot worker` processes against PostgreSQL and the fake Slack.

- kill -9 while a message is in flight (Slack accepts it after the worker died), then restart:
  nothing lost, nothing posted twice, the in-flight one found through its metadata.
- two `--once` workers at the same moment, and two lock-less dispatchers in threads.
- a scheduler worker and a standby: the standby takes over when the first is killed.
Each test counts at the fake what Slack accepted: sent, duplicated, lost.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from jobs.dispatch import reminders_job
from jobs.payloads import metadata
from sec.timefmt import now
from storage.db import session_factory, transaction
from storage.models import Contact, Modification
from storage.outbox import NewDelivery, enqueue_deliveries
from storage.sample import load_sample
from storage.schema import Base
from tests.conftest import database_url_for, drop_test_engine, make_test_engine
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import TOKEN, london, make_ctx, rows, stored, subscribe

pytestmark = pytest.mark.postgres

SECBOT = str(Path(sys.executable).with_name("secbot"))
AT = "2019-03-18T09:00"
CHANNELS = ["C1", "C2", "C3", "C4"]


@dataclass
class Store:
    engine: Engine
    sessions: sessionmaker[Session]
    url: str


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A PostgreSQL schema with the sample data, four channels on "all" and a Proposer."""
    engine, schema = make_test_engine("postgres", tmp_path)
    Base.metadata.create_all(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        load_sample(session)
        mod = session.scalar(select(Modification).where(Modification.ref == "SECMP0007"))
        assert mod is not None
        session.add(Contact(modification_id=mod.id, role="proposer", slack_user_id="UPROP"))
    for channel in CHANNELS:
        subscribe(sessions, channel, "all")
    yield Store(engine, sessions, database_url_for(engine, schema))
    drop_test_engine(engine, schema)


def _env(store: Store, fake: FakeSlack) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env.update(DATABASE_URL=store.url, SLACK_API_BASE_URL=fake.base_url, SLACK_BOT_TOKEN=TOKEN)
    return env


def _worker(store: Store, fake: FakeSlack, cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [SECBOT, "worker", *args],
        env=_env(store, fake),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _figures(store: Store, fake: FakeSlack) -> dict[str, int]:
    """What Slack holds against what the outbox says should have gone: sent, duplicated, lost."""
    wanted = {
        (r.recipient if r.recipient in CHANNELS else "D" + r.recipient[1:], r.reminder_key)
        for r in rows(store.sessions)
    }
    held = stored(fake, [*CHANNELS, "DPROP"])
    return {
        "rows": len(wanted),
        "sent": sum(1 for pair in wanted if held[pair] >= 1),
        "duplicated": sum(count - 1 for count in held.values() if count > 1),
        "lost": sum(1 for pair in wanted if held[pair] == 0),
        "unexpected": sum(1 for pair in held if pair not in wanted),
    }


def test_kill_9_while_slack_accepts_then_restart(
    store: Store, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.script("chat.postMessage", delay=2.0)  # the first post is in flight for 2 s
    first = _worker(store, fake_slack, tmp_path, "--once", "--at", AT)
    fake_slack.wait_for("chat.postMessage", count=1, timeout=30)
    time.sleep(0.5)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    time.sleep(2.0)  # Slack finishes accepting the in-flight message after the death
    in_flight = {r.reminder_key for r in rows(store.sessions) if r.state == "sending"}
    assert in_flight, "the kill should leave rows in sending"
    second = _worker(store, fake_slack, tmp_path, "--once", "--at", AT)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    figures = _figures(store, fake_slack)
    print("kill -9 figures:", figures, "left in sending:", len(in_flight))
    assert figures == {"rows": 9, "sent": 9, "duplicated": 0, "lost": 0, "unexpected": 0}
    assert {r.state for r in rows(store.sessions)} == {"sent"}
    assert fake_slack.calls("conversations.history"), "the restart looked for its messages"
    ts_by_pair = {
        (ch, m["metadata"]["event_payload"]["key"]): m["ts"]
        for ch in [*CHANNELS, "DPROP"]
        for m in fake_slack.messages(ch)
    }
    for row in rows(store.sessions):
        channel = row.recipient if row.recipient in CHANNELS else "DPROP"
        assert row.message_ts == ts_by_pair[(channel, row.reminder_key)]


def test_two_once_workers_at_the_same_time(
    store: Store, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    workers = [_worker(store, fake_slack, tmp_path, "--once", "--at", AT) for _ in range(2)]
    results = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in results]
    figures = _figures(store, fake_slack)
    print("two --once workers:", figures)
    assert figures == {"rows": 9, "sent": 9, "duplicated": 0, "lost": 0, "unexpected": 0}
    assert len(fake_slack.calls("chat.postMessage")) == 9


def test_two_lockless_dispatchers_never_double_send(store: Store, fake_slack: FakeSlack) -> None:
    for n in range(5, 25):
        subscribe(store.sessions, f"C{n}", "all")
    at = london(AT)
    barrier = threading.Barrier(2)

    def run(worker: str) -> None:
        ctx = make_ctx(store.sessions, fake_slack, exclusive=False, worker_id=worker, clock=at)
        barrier.wait()
        reminders_job(ctx, at)

    threads = [threading.Thread(target=run, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    channels = [*CHANNELS, *(f"C{n}" for n in range(5, 25)), "DPROP"]
    held = stored(fake_slack, channels)
    print(
        "two lock-less dispatchers: sent",
        sum(held.values()),
        "duplicated",
        sum(c - 1 for c in held.values()),
    )
    assert len(held) == 25 and set(held.values()) == {1}
    assert len(fake_slack.calls("chat.postMessage")) == 25
    assert len({r.reminder_key for r in rows(store.sessions)}) == 1  # digest rows: none at 09:00


def _wait_for_line(proc: subprocess.Popen[str], text: str, timeout: float) -> list[str]:
    """Read stderr lines until one contains text; returns the lines read."""
    assert proc.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"{text!r} not logged; got {''.join(seen)[-2000:]}")


def test_standby_takes_over_when_the_active_worker_dies(
    store: Store, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    active = _worker(store, fake_slack, tmp_path, "--standby-poll", "0.5")
    standby = None
    try:
        _wait_for_line(active, "worker lock taken", 30)
        standby = _worker(store, fake_slack, tmp_path, "--standby-poll", "0.5")
        _wait_for_line(standby, "standing by", 30)
        active.send_signal(signal.SIGKILL)
        active.wait(timeout=10)
        due = now() - timedelta(minutes=1)
        with transaction(store.sessions) as session:
            enqueue_deliveries(
                session,
                now=now(),
                rows=[
                    NewDelivery(
                        f"test:takeover:{ch}",
                        "meeting",
                        "slack",
                        ch,
                        due,
                        {"text": "hi", "blocks": [], "metadata": metadata(f"t:{ch}")},
                    )
                    for ch in CHANNELS
                ],
            )
        _wait_for_line(standby, "worker lock taken", 30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sum(
            1 for _, key in stored(fake_slack, CHANNELS) if key.startswith("t:")
        ) < len(CHANNELS):
            time.sleep(0.2)
        time.sleep(0.5)
        # (Real time also has a digest or two due; only the test's rows are counted.)
        held = {
            pair: n for pair, n in stored(fake_slack, CHANNELS).items() if pair[1].startswith("t:")
        }
        print(
            "standby takeover: sent",
            sum(held.values()),
            "duplicated",
            sum(n - 1 for n in held.values()),
        )
        assert sorted(held) == sorted((ch, f"t:{ch}") for ch in CHANNELS)
        assert set(held.values()) == {1}
    finally:
        for proc in (active, standby):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=20)
    assert standby is not None and standby.returncode == 0
