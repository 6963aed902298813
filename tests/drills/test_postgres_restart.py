"""PostgreSQL restarted mid fan-out (long mode only: it cuts off every other user of the server).

``secbot serve`` and ``secbot worker`` run as real processes against a PostgreSQL schema; a
fan-out is going out to the paced fake Slack when the cluster is restarted with
``pg_ctlcluster --skip-systemctl-redirect 15 main restart``. The web process must answer again
(health 200, a signed /sec command acknowledged and answered) within seconds of the server
returning; the worker, restarted by the drill as a platform would restart it (exit 3 when it
loses its lock), finishes the fan-out; the fake holds one copy of every reminder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select

from sec.timefmt import now
from storage.db import session_factory, transaction, upgrade
from storage.delivery_models import Delivery
from tests.conftest import database_url_for, drop_test_engine, make_test_engine
from tests.drills.conftest import long_only, queue_sample_reminders
from tests.fakes.signing import signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlack

pytestmark = [pytest.mark.drill, pytest.mark.postgres, long_only]

SECBOT = str(Path(sys.executable).with_name("secbot"))
SECRET = "drill-signing-secret"
RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
BACK_WITHIN = 10.0  # seconds from the server's return to the web process answering


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    if shutil.which("pg_ctlcluster") is None:
        pytest.skip("pg_ctlcluster is not on this machine")
    engine, schema = make_test_engine("postgres", tmp_path)
    upgrade(engine)
    yield engine, database_url_for(engine, schema)
    drop_test_engine(engine, schema)


def queue_now(engine: Engine, channels: int, keys: int) -> set[tuple[str, str]]:
    due = now() - timedelta(minutes=1)
    return queue_sample_reminders(
        engine, channels=channels, keys=keys, due=due, prefix="CR", enqueued_at=now()
    )


def spawn(args: list[str], url: str, fake: FakeSlack, cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env.update(
        DATABASE_URL=url,
        SLACK_API_BASE_URL=fake.base_url,
        SLACK_BOT_TOKEN="xoxb-drill",
        SLACK_SIGNING_SECRET=SECRET,
    )
    return subprocess.Popen(
        [SECBOT, *args], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def unsent(engine: Engine) -> int:
    try:
        with transaction(session_factory(engine)) as session:
            stmt = select(func.count()).select_from(Delivery).where(Delivery.state != "sent")
            return int(session.scalar(stmt) or 0)
    except Exception:  # the server is still coming back
        return -1


def web_answers(base: str, fake: FakeSlack) -> bool:
    """Health 200, and a signed /sec command acknowledged and then answered."""
    try:
        if httpx.get(f"{base}/healthz", timeout=2).status_code != 200:
            return False
        answered = int(fake.stats()["counts"].get("response_url", 0))
        body = slash_command_body(
            "status MP159", response_url=fake.base_url.replace("/api/", "/response/drill")
        )
        ack = httpx.post(
            f"{base}/slack/events", content=body, headers=signed_headers(body, SECRET), timeout=5
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if int(fake.stats()["counts"].get("response_url", 0)) > answered:
                return ack.status_code == 200
            time.sleep(0.05)
    except httpx.HTTPError:
        return False
    return False


def test_postgres_restart_mid_fan_out(engine: tuple[Engine, str], tmp_path: Path) -> None:
    store, url = engine
    wanted = queue_now(store, channels=40, keys=8)
    fake = FakeSlack(pace=1.0).start()
    port = free_port()
    web = spawn(["serve", "--port", str(port)], url, fake, tmp_path)
    worker = spawn(["worker", "--standby-poll", "1"], url, fake, tmp_path)
    base = f"http://127.0.0.1:{port}"
    restarts = 0
    try:
        deadline = time.monotonic() + 60
        while not fake.stats()["counts"].get("accepted") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert web_answers(base, fake), "the web process should answer before the restart"
        subprocess.run(RESTART, check=True, timeout=120)
        back = time.monotonic()
        while not web_answers(base, fake):
            assert time.monotonic() - back < BACK_WITHIN, "web did not recover in time"
            time.sleep(0.2)
        recovered = time.monotonic() - back
        deadline = time.monotonic() + 240
        while unsent(store) != 0:
            assert time.monotonic() < deadline, f"{unsent(store)} rows still unsent"
            if worker.poll() is not None:  # lost its lock or its connection: restart it
                restarts += 1
                worker = spawn(["worker", "--standby-poll", "1"], url, fake, tmp_path)
            time.sleep(1)
    finally:
        for proc in (web, worker):
            proc.terminate()
            proc.wait(timeout=30)
        copies = {(c, k): n for c, k, n in fake.stats()["copies"]}
        fake.stop()
    print(
        f"postgres restart: web answered {recovered:.1f} s after the server returned; "
        f"worker restarted {restarts} time(s); {len(wanted)} reminders"
    )
    assert sum(n - 1 for n in copies.values()) == 0
    assert set(copies) == wanted
