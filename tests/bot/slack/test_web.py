"""The web process: request verification, health, the calendar feed, and the body-size limit."""

from __future__ import annotations

import time

import httpx

from bot.services import Services
from bot.web import create_web_app
from storage.db import make_engine, session_factory
from tests.bot.slack.conftest import (
    SlackDriver,
    Store,
    make_services,
    make_settings,
    serve_in_thread,
)
from tests.fakes.signing import event_body, slash_command_body
from tests.fakes.slack_api import FakeSlack


def test_wrong_signature_is_refused(slack: SlackDriver) -> None:
    body = slash_command_body("status MP159", response_url=slack.fake.response_url())
    response = slack.post(body, secret="not-the-signing-secret")
    assert response.status_code == 401
    time.sleep(0.2)
    assert slack.fake.calls("response_url") == []


def test_stale_timestamp_is_refused(slack: SlackDriver) -> None:
    body = slash_command_body("status MP159", response_url=slack.fake.response_url())
    response = slack.post(body, timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401


def test_unsigned_request_is_refused(slack: SlackDriver) -> None:
    response = httpx.post(
        f"{slack.url}/slack/events",
        content=event_body({"type": "x"}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 401


def test_an_unsigned_body_that_is_not_utf8_is_refused_before_parsing(slack: SlackDriver) -> None:
    response = httpx.post(f"{slack.url}/slack/events", content=b"\xff\xfe\x00")
    assert response.status_code == 401


def test_url_verification_challenge_is_answered(slack: SlackDriver) -> None:
    body = '{"type": "url_verification", "token": "t", "challenge": "c-123"}'
    response = slack.post(body, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"challenge": "c-123"}


def test_health_checks_the_database(slack: SlackDriver) -> None:
    response = httpx.get(f"{slack.url}/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_health_reports_an_unreachable_database(fake_slack: FakeSlack, store: Store) -> None:
    dead = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:9/none", connect_args={"connect_timeout": 1}
    )
    settings = make_settings(fake_slack, slack_bot_token=None)  # the web part alone
    services = make_services(settings, dead, session_factory(dead))
    with serve_in_thread(create_web_app(services)) as url:
        response = httpx.get(f"{url}/healthz", timeout=10)
    assert response.status_code == 503 and response.json()["ok"] is False


def test_calendar_feed_is_served(slack: SlackDriver) -> None:
    response = httpx.get(f"{slack.url}/calendar.ics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.text.startswith("BEGIN:VCALENDAR")


def test_bodies_over_the_limit_are_refused(slack_services: Services) -> None:
    app = create_web_app(slack_services, max_body_bytes=2000)
    with serve_in_thread(app) as url:
        declared = httpx.post(f"{url}/slack/events", content=b"x" * 2001)
        chunked = httpx.post(f"{url}/slack/events", content=(b"y" * 500 for _ in range(5)))
        small = httpx.post(f"{url}/slack/events", content=b"z" * 100)
    assert declared.status_code == 413
    assert chunked.status_code == 413  # no Content-Length: counted as it arrives
    assert small.status_code == 401  # within the limit: on to signature checking


def test_without_slack_settings_events_are_unavailable(fake_slack: FakeSlack, store: Store) -> None:
    settings = make_settings(fake_slack, slack_bot_token=None, slack_signing_secret=None)
    app = create_web_app(make_services(settings, store.engine, store.sessions))
    with serve_in_thread(app) as url:
        assert httpx.post(f"{url}/slack/events", content=b"{}").status_code == 503
        assert httpx.get(f"{url}/healthz").status_code == 200
