"""Trust at the Slack door, through the real HTTP stack (uvicorn, our app, Bolt, the fake Slack):
junk refused before parsing with one rate-limited log line, replays acting once, answers
retried when the response_url stumbles, acks that never wait for answers, and the small holes
(NULs, huge button values, bad dates, OAuth codes in the access log, the calendar without its
database)."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.services import Services
from bot.slack.gate import LOG_PER_MINUTE
from bot.web import create_web_app
from storage.db import make_engine, session_factory
from storage.nudge_models import Decision
from storage.receipt_models import SlackRequestReceipt
from tests.bot.slack.conftest import (
    ADMIN,
    SlackDriver,
    Store,
    both_databases,
    make_services,
    make_settings,
    redaction_installed,
    serve_in_thread,
)
from tests.fakes.signing import new_action_ts, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlack

SECRET_WORDS = "the-proposers-private-words"


# -- refused before parsing ---------------------------------------------------------------


def test_signed_bytes_that_are_not_utf8_are_a_bad_request(slack: SlackDriver) -> None:
    body = b"\xff\xfe\x00"
    headers = signed_headers(body, slack.secret)
    response = httpx.post(f"{slack.url}/slack/events", content=body, headers=headers)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "1" * 40, "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "-5", "X-Slack-Signature": "v0=00"},
    ],
)
def test_unsigned_junk_is_refused_without_a_500(slack: SlackDriver, headers: dict) -> None:
    for body in (b"payload=%7Bnot-json", b'{"type": "event_callback", "event": {', b"\xff"):
        response = httpx.post(f"{slack.url}/slack/events", content=body, headers=headers)
        assert response.status_code == 401, (headers, body)


def test_refusals_log_one_short_line_each_and_are_rate_limited(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = slash_command_body(SECRET_WORDS, response_url=slack.fake.response_url()) + (
        "&pad=" + "x" * 1_000_000
    )
    for _ in range(LOG_PER_MINUTE + 5):
        assert slack.post(body, secret="not-the-secret").status_code == 401
    assert SECRET_WORDS not in caplog.text
    refusals = [r for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(refusals) == LOG_PER_MINUTE
    assert max(len(r.getMessage()) for r in refusals) < 200
    assert sum(len(r.getMessage()) for r in caplog.records) < 20_000


# -- replays ------------------------------------------------------------------------------


@both_databases
def test_a_replayed_command_acts_once(slack: SlackDriver, store: Store) -> None:
    line = 'decision add MP159 "whether to extend the credit cover" due "1 March 2027"'
    body = slash_command_body(line, response_url=slack.fake.response_url(), user_id=ADMIN)
    with store.sessions() as session:
        before = session.scalar(select(func.count()).select_from(Decision))
    statuses = [slack.post(body).status_code for _ in range(3)]  # one capture, sent three times
    assert statuses == [200, 200, 200]
    slack.fake.wait_for("response_url", count=1, timeout=15)
    # A replay is dropped before any listener starts, so once its 200 has come back and the
    # first delivery has answered, nothing else can act.
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == (before or 0) + 1
        assert session.scalar(select(func.count()).select_from(SlackRequestReceipt)) == 1
    assert len(slack.fake.calls("response_url")) == 1


def test_a_replayed_button_press_answers_once_and_a_new_press_answers_again(
    slack: SlackDriver,
) -> None:
    def payload(action_ts: str) -> dict[str, Any]:
        return {
            "type": "block_actions",
            "user": {"id": "U0USER", "team_id": "T0001"},
            "team": {"id": "T0001"},
            "trigger_id": "1.2.3",
            "container": {"type": "message", "channel_id": "C0CHAN", "message_ts": "17.1"},
            "channel": {"id": "C0CHAN"},
            "response_url": slack.fake.response_url("press"),
            "actions": [
                {
                    "type": "button",
                    "action_id": "secbot_cmd_history",
                    "value": "history MP159",
                    "action_ts": action_ts,
                }
            ],
        }

    press = payload(new_action_ts())
    assert [slack.action(press).status_code for _ in range(3)] == [200, 200, 200]
    slack.fake.wait_for("response_url", count=1, timeout=15)
    assert slack.action(payload(new_action_ts())).status_code == 200
    slack.fake.wait_for("response_url", count=2, timeout=15)
    assert len(slack.fake.calls("response_url")) == 2


# -- answers that survive a stumbling response_url ----------------------------------------


def test_an_answer_is_retried_after_5xx_and_429_honouring_retry_after(slack: SlackDriver) -> None:
    slack.fake.script("response_url", status=500)
    slack.fake.script("response_url", status=429, retry_after=2)
    started = time.monotonic()
    assert slack.command("status MP159").status_code == 200
    calls = slack.fake.wait_for("response_url", count=3, timeout=20)
    assert len(calls) == 3 and "MP159" in calls[-1].text
    assert time.monotonic() - started >= 1 + 2  # waited 1 s after the 500, 2 s (Retry-After)


def test_an_answer_that_cannot_be_delivered_is_logged_without_its_text(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    slack.fake.script("response_url", status=404, times=5)
    assert slack.command(f"search {SECRET_WORDS}").status_code == 200
    slack.fake.wait_for("response_url", count=5, timeout=40)
    deadline = time.monotonic() + 5
    while "could not be delivered" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)  # the log line follows the fifth answer by microseconds
    line = next(
        r.getMessage() for r in caplog.records if "could not be delivered" in r.getMessage()
    )
    assert "HTTP 404 after 5 posts" in line
    assert SECRET_WORDS not in caplog.text and "/response/" not in caplog.text


# -- acks never wait for answers ----------------------------------------------------------


def test_a_burst_is_acknowledged_in_time_while_answers_are_slow(slack: SlackDriver) -> None:
    commands = 64
    slack.fake.script("response_url", delay=1.0, times=commands)  # every answer takes a second
    bodies = [
        slash_command_body(f"status MP159 {n}", response_url=slack.fake.response_url(f"b{n}"))
        for n in range(commands)
    ]
    # One client for the burst: a new httpx client per request costs more CPU than our ack.
    limits = httpx.Limits(max_connections=32)
    with httpx.Client(base_url=slack.url, limits=limits, timeout=30) as client:

        def one(body: str) -> tuple[int, float]:
            headers = signed_headers(body, slack.secret)
            started = time.monotonic()
            response = client.post("/slack/events", content=body, headers=headers)
            return response.status_code, time.monotonic() - started

        with ThreadPoolExecutor(max_workers=32) as pool:
            results = list(pool.map(one, bodies))
    late = [(status, round(took, 2)) for status, took in results if status != 200 or took >= 3]
    assert late == [], f"{len(late)} of {commands} not acknowledged within 3 s: {late[:5]}"
    slack.fake.wait_for("response_url", count=commands, timeout=60)


# -- the smaller holes --------------------------------------------------------------------


@both_databases
def test_nul_characters_in_a_command_are_stripped(slack: SlackDriver) -> None:
    assert slack.command("search credit\x00 cover\x00").status_code == 200
    [answer] = slack.fake.wait_for("response_url", count=1, timeout=15)
    assert "Sorry, something went wrong" not in answer.text


def test_an_oversized_button_value_is_answered_not_crashed(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": ADMIN, "team_id": "T0001"},
        "team": {"id": "T0001"},
        "container": {"type": "message", "channel_id": "D0DM", "is_ephemeral": True},
        "channel": {"id": "D0DM"},
        "response_url": slack.fake.response_url("press"),
        "actions": [
            {
                "type": "button",
                "action_id": "secbot_ingest_apply",
                "value": "9" * 5000,
                "action_ts": new_action_ts(),
            }
        ],
    }
    assert slack.action(payload).status_code == 200
    [answer] = slack.fake.wait_for("response_url", count=1, timeout=15)
    assert "no record of that paper" in answer.text
    assert "OverflowError" not in caplog.text


def test_a_bad_datepicker_date_is_answered_not_crashed(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": "U0USER", "team_id": "T0001"},
        "team": {"id": "T0001"},
        "container": {"type": "message", "channel_id": "D0DM", "message_ts": "17.2"},
        "channel": {"id": "D0DM"},
        "response_url": slack.fake.response_url("press"),
        "actions": [
            {
                "type": "datepicker",
                "action_id": "secbot_nudge_snooze_until",
                "block_id": "secbot_nudge:1",
                "selected_date": "2026-02-31",
                "action_ts": new_action_ts(),
            }
        ],
    }
    assert slack.action(payload).status_code == 200
    [answer] = slack.fake.wait_for("response_url", count=1, timeout=15)
    assert "could not read that date" in answer.text
    assert "ValueError" not in caplog.text


def test_the_oauth_code_stays_out_of_the_access_log(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with redaction_installed():
        httpx.get(f"{slack.url}/slack/oauth_redirect?code=4242.9999.s3cr3tc0de&state=st8")
        deadline = time.monotonic() + 5
        while "oauth_redirect" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)  # uvicorn logs the access line after sending the response
    assert "oauth_redirect" in caplog.text
    assert "s3cr3tc0de" not in caplog.text and "st8" not in caplog.text


def test_the_calendar_serves_its_last_good_copy_while_the_database_is_down(
    fake_slack: FakeSlack, store: Store, slack_services: Services
) -> None:
    with serve_in_thread(create_web_app(slack_services)) as url:
        good = httpx.get(f"{url}/calendar.ics", timeout=20)
        assert good.status_code == 200
        with store.engine.begin() as conn:  # the calendar's tables go away, as in an outage
            conn.exec_driver_sql("DROP TABLE milestones")
        again = httpx.get(f"{url}/calendar.ics", timeout=20)
    assert again.status_code == 200 and again.content == good.content


def test_the_calendar_is_503_with_retry_after_when_the_database_never_answered(
    fake_slack: FakeSlack,
) -> None:
    dead = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:9/none", connect_args={"connect_timeout": 1}
    )
    services = make_services(make_settings(fake_slack), dead, session_factory(dead))
    with serve_in_thread(create_web_app(services)) as url:
        response = httpx.get(f"{url}/calendar.ics", timeout=20)
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
