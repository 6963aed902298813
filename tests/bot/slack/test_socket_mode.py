"""Socket Mode: the same Bolt app, reached over a WebSocket instead of signed HTTP requests."""

from __future__ import annotations

import pytest
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.slack.app import SlackNotConfigured
from bot.slack.socket_mode import socket_mode_handler
from tests.bot.slack.conftest import Store, make_services, make_settings
from tests.fakes.slack_api import FakeSlack

APP_TOKEN = "xapp-1-A0001-test-app-token"


def test_handler_opens_its_connection_with_the_app_token(
    fake_slack: FakeSlack, store: Store
) -> None:
    settings = make_settings(fake_slack, slack_app_token=APP_TOKEN, slack_signing_secret=None)
    handler = socket_mode_handler(make_services(settings, store.engine, store.sessions))
    assert handler.client.issue_new_wss_url() == "ws://127.0.0.1:9/socket"
    assert fake_slack.calls("apps.connections.open")[0].token == APP_TOKEN


def test_commands_over_the_socket_need_no_signature(fake_slack: FakeSlack, store: Store) -> None:
    settings = make_settings(fake_slack, slack_app_token=APP_TOKEN, slack_signing_secret=None)
    handler = socket_mode_handler(make_services(settings, store.engine, store.sessions))
    request = SocketModeRequest(
        type="slash_commands",
        envelope_id="env-1",
        payload={
            "command": "/sec",
            "text": "status MP159",
            "user_id": "U0USER",
            "channel_id": "C0CHAN",
            "team_id": "T0001",
            "response_url": fake_slack.response_url("socket"),
        },
    )
    assert run_bolt_app(handler.app, request).status == 200
    answer = fake_slack.wait_for("response_url")[0]
    assert "Credit Cover Review" in answer.args["text"]


def test_socket_mode_needs_an_app_token(fake_slack: FakeSlack, store: Store) -> None:
    services = make_services(make_settings(fake_slack), store.engine, store.sessions)
    with pytest.raises(SlackNotConfigured, match="SLACK_APP_TOKEN"):
        socket_mode_handler(services)
