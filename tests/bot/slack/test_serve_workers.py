"""`secbot serve --workers N`: several processes, one store; a retried event is handled once.

Two real servers share one database: one with ``--workers 2`` (uvicorn's supervisor and two
worker processes on one socket) and one more single process. An event and two retries of it are
sent at once, spread over both servers. Each delivery is either dropped by the de-duplication
middleware (which logs "ignoring a repeated delivery" before answering the request) or handled,
so once every request is answered, two dropped lines and one answer posted account for all
three: nothing is left that could still post a second answer.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.bot.slack.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.bot.slack.test_end_to_end import _free_port, _secbot
from tests.fakes.signing import event_body, signed_headers
from tests.fakes.slack_api import BOT_USER_ID, FakeSlack

DROPPED = "ignoring a repeated delivery of event"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def _env(fake: FakeSlack, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SECBOT_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_BASE_URL=fake.base_url,
    )
    return env


def _start(env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*_secbot(), "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}"


def _wait_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"secbot serve did not start:\n{log.read_text()}")
        time.sleep(0.1)


def _workers_of(pid: int) -> list[int]:
    """The uvicorn worker processes under a supervisor (spawned interpreters)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = []
    for child in children:
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"multiprocessing.spawn" in cmdline or b"spawn_main" in cmdline:
            found.append(int(child))
    return found


@pytest.fixture(scope="module")
def servers(fake: FakeSlack, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("workers")
    env = _env(fake, f"sqlite:///{tmp / 'secbot.db'}")
    subprocess.run([*_secbot(), "init"], env=env, check=True, capture_output=True, timeout=120)
    started = [_start(env, 2, tmp / "two.log"), _start(env, 1, tmp / "one.log")]
    logs = [tmp / "two.log", tmp / "one.log"]
    try:
        for (process, url), log in zip(started, logs, strict=True):
            _wait_healthy(process, url, log)
        yield started, logs
    finally:
        for process, _ in started:
            process.terminate()
            process.wait(20)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc for the workers")
def test_serve_runs_the_workers_asked_for(servers) -> None:
    (two, _), (one, _) = servers[0]
    assert len(_workers_of(two.pid)) == 2
    assert _workers_of(one.pid) == []  # one process serves by itself


def test_a_retried_event_sent_to_two_workers_is_handled_once(servers, fake: FakeSlack) -> None:
    (_, url_two), (_, url_one) = servers[0]
    ts = "1700009100.000100"
    event = {
        "type": "app_mention",
        "user": "U0ASKER",
        "text": f"<@{BOT_USER_ID}> status MP159",
        "ts": ts,
        "channel": "C0WORKERS",
        "event_ts": ts,
    }
    body = event_body(event, event_id="EvWorkers1")
    deliveries = [(url_two, None), (url_two, "1"), (url_one, "2")]

    def deliver(target: tuple[str, str | None]) -> int:
        url, retry = target
        headers = signed_headers(body, SIGNING_SECRET, content_type="application/json")
        if retry:
            headers.update({"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"})
        return httpx.post(
            f"{url}/slack/events", content=body, headers=headers, timeout=30
        ).status_code

    with ThreadPoolExecutor(len(deliveries)) as pool:
        assert list(pool.map(deliver, deliveries)) == [200, 200, 200]
    dropped = sum(log.read_text().count(DROPPED) for log in servers[1])
    assert dropped == 2  # logged before each repeated delivery was answered
    posts = fake.wait_for("chat.postMessage", timeout=10)
    mine = [p for p in posts if p.args.get("channel") == "C0WORKERS"]
    assert len(mine) == 1 and "Credit Cover Review" in mine[0].args["blocks"][0]["text"]["text"]
