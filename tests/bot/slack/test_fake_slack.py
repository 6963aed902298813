"""The fake Slack Web API answers the real slack_sdk client like Slack, and can be scripted."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient, WebhookClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier

from tests.fakes.signing import signature, signed_headers
from tests.fakes.slack_api import FakeSlack

TOKEN = "xoxb-fake-test"


def _client(fake: FakeSlack, **kwargs: object) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.base_url, **kwargs)  # type: ignore[arg-type]


def test_records_calls_and_answers_like_slack(fake_slack: FakeSlack) -> None:
    client = _client(fake_slack)
    posted = client.chat_postMessage(channel="C1", text="hello", blocks=[{"type": "divider"}])
    assert posted["ok"] and posted["channel"] == "C1" and posted["ts"]
    assert client.chat_update(channel="C1", ts=posted["ts"], text="edited")["ok"]
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    assert client.views_publish(user_id="U1", view={"type": "home", "blocks": []})["view"]["id"]
    assert client.conversations_open(users="U42")["channel"]["id"] == "D42"
    assert client.auth_test()["user_id"] == "UBOT"
    call = fake_slack.calls("chat.postMessage")[0]
    assert call.token == TOKEN and call.args["blocks"] == [{"type": "divider"}]
    assert fake_slack.messages("C1")[0]["text"] == "edited"


def test_history_returns_metadata_only_when_asked(fake_slack: FakeSlack) -> None:
    client = _client(fake_slack)
    metadata = {"event_type": "secbot_reminder", "event_payload": {"key": "wg-2019-04"}}
    client.chat_postMessage(channel="C1", text="first")
    client.chat_postMessage(channel="C1", text="reminder", metadata=metadata)
    plain = client.conversations_history(channel="C1")["messages"]
    full = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert [m["text"] for m in full] == ["reminder", "first"]  # newest first
    assert "metadata" not in plain[0] and full[0]["metadata"] == metadata


def test_lookup_by_email(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("jane@example.org", "U0JANE")
    client = _client(fake_slack)
    assert client.users_lookupByEmail(email="Jane@example.org")["user"]["id"] == "U0JANE"
    with pytest.raises(SlackApiError) as raised:
        client.users_lookupByEmail(email="nobody@example.org")
    assert raised.value.response["error"] == "users_not_found"


def test_scripted_error_then_normal_again(fake_slack: FakeSlack) -> None:
    fake_slack.script("chat.postMessage", error="channel_not_found")
    client = _client(fake_slack)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C404", text="x")
    assert raised.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="C404", text="x")["ok"]


def test_rate_limit_with_retry_after_is_waited_out(fake_slack: FakeSlack) -> None:
    fake_slack.script("chat.postMessage", status=429, retry_after=1)
    client = _client(fake_slack, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    started = time.monotonic()
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert time.monotonic() - started >= 1
    assert len(fake_slack.calls("chat.postMessage")) == 2


def test_server_errors_and_slow_answers(fake_slack: FakeSlack) -> None:
    fake_slack.script("chat.postMessage", status=500, times=2)
    with pytest.raises(SlackApiError):
        _client(fake_slack).chat_postMessage(channel="C1", text="x")
    retrying = _client(fake_slack, retry_handlers=[ServerErrorRetryHandler(max_retry_count=1)])
    assert retrying.chat_postMessage(channel="C1", text="x")["ok"]  # second 500, then ok
    fake_slack.script("auth.test", delay=1.0)
    with pytest.raises(TimeoutError):
        _client(fake_slack, timeout=0.2).auth_test()


def test_receives_response_url_posts(fake_slack: FakeSlack) -> None:
    response = WebhookClient(fake_slack.response_url("abc")).send(
        text="hi", response_type="ephemeral"
    )
    assert response.status_code == 200
    call = fake_slack.wait_for("response_url")[0]
    assert call.path == "/response/abc" and call.args["text"] == "hi"


def test_signing_matches_slacks_own_verifier() -> None:
    body = "token=x&text=status+MP159"
    headers = signed_headers(body, "secret-1")
    verifier = SignatureVerifier("secret-1")
    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("secret-2").is_valid_request(body, headers)
    stale = signed_headers(body, "secret-1", timestamp=int(time.time()) - 301)
    assert not verifier.is_valid_request(body, stale)
    assert signature(body, "s", 1) == signature(body.encode(), "s", "1")
