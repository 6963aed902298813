"""The issue's "done when", against a running `secbot serve` (a real process) whose Slack Web API
is the fake: signed /sec, App Home, link unfurl, escaping, and request verification."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy import update

from storage.db import make_engine
from storage.models import Modification
from tests.bot.slack.conftest import BOT_TOKEN, SIGNING_SECRET, SlackDriver
from tests.fakes.signing import slash_command_body
from tests.fakes.slack_api import FakeSlack

PAGE = "https://smartenergycodecompany.co.uk/modifications/credit-cover-review/"


def _secbot() -> list[str]:
    script = Path(sys.executable).with_name("secbot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from bot.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'secbot.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([*_secbot(), "init"], env=env, check=True, capture_output=True, timeout=120)
    return url


@pytest.fixture(scope="module")
def server(fake: FakeSlack, database_url: str, tmp_path_factory: pytest.TempPathFactory):
    """`secbot serve` on a free port, talking to the fake Slack."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SECBOT_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_BASE_URL=fake.base_url,
        SECBOT_ADMINS="UADMIN1",
    )
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*_secbot(), "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"secbot serve did not start:\n{log.read_text()}")
        time.sleep(0.1)
    yield url, log
    process.terminate()
    process.wait(10)


@pytest.fixture
def slack(server, fake: FakeSlack) -> SlackDriver:
    return SlackDriver(server[0], fake)


def _wait_new(fake: FakeSlack, method: str, before: int, timeout: float = 5.0):
    return fake.wait_for(method, count=before + 1, timeout=timeout)[-1]


def test_signed_status_command_is_answered_within_three_seconds(slack: SlackDriver) -> None:
    before = len(slack.fake.calls("response_url"))
    started = time.monotonic()
    response = slack.command("status MP159", tag="e2e-status")
    assert response.status_code == 200
    answer = _wait_new(slack.fake, "response_url", before, timeout=3)
    elapsed = time.monotonic() - started
    assert elapsed < 3, elapsed
    assert answer.path == "/response/e2e-status"
    blocks = answer.args["blocks"]
    assert [b.to_dict() for b in Block.parse_all(blocks)] == blocks
    assert "Credit Cover Review" in blocks[0]["text"]["text"]


def test_app_home_opened_publishes_a_home_view(slack: SlackDriver) -> None:
    before = len(slack.fake.calls("views.publish"))
    slack.event(
        {
            "type": "app_home_opened",
            "user": "U0HOME",
            "channel": "D0HOME",
            "tab": "home",
            "event_ts": "1700000800.000100",
        },
        event_id="EvE2EHome",
    )
    call = _wait_new(slack.fake, "views.publish", before)
    assert call.args["user_id"] == "U0HOME" and call.token == BOT_TOKEN
    view = call.args["view"]
    assert view["type"] == "home" and View(**view).to_dict() == view


def test_link_shared_produces_an_unfurl(slack: SlackDriver) -> None:
    before = len(slack.fake.calls("chat.unfurl"))
    slack.event(
        {
            "type": "link_shared",
            "channel": "C0CHAN",
            "user": "U0ASKER",
            "message_ts": "1700000900.000100",
            "links": [{"domain": "smartenergycodecompany.co.uk", "url": PAGE}],
        },
        event_id="EvE2EUnfurl",
    )
    call = _wait_new(slack.fake, "chat.unfurl", before)
    assert "Credit Cover Review" in call.text and PAGE in call.args["unfurls"]


def test_channel_pings_are_never_echoed_raw(slack: SlackDriver, database_url: str) -> None:
    before = len(slack.fake.calls("response_url"))
    slack.command("status <!channel> <@U123>", tag="e2e-echo")
    echo = _wait_new(slack.fake, "response_url", before)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            update(Modification)
            .where(Modification.ref == "MP167")
            .values(title="Review <!channel> and <@U123> & co")
        )
    engine.dispose()
    slack.command("status MP167 public", tag="e2e-title")
    title = _wait_new(slack.fake, "response_url", before + 1)
    for call in (echo, title):
        assert "<!channel>" not in call.text and "<@U123>" not in call.text
        assert "&lt;!channel&gt;" in call.text
    assert title.args["response_type"] == "in_channel"


def test_wrong_signature_or_stale_timestamp_is_refused(slack: SlackDriver) -> None:
    body = slash_command_body("status MP159", response_url=slack.fake.response_url("e2e-bad"))
    assert slack.post(body, secret="wrong-secret").status_code == 401
    assert slack.post(body, timestamp=int(time.time()) - 301).status_code == 401
    time.sleep(0.3)
    assert not [c for c in slack.fake.calls("response_url") if c.path == "/response/e2e-bad"]


def test_the_log_never_shows_the_bot_token(server, slack: SlackDriver) -> None:
    assert BOT_TOKEN not in server[1].read_text()
