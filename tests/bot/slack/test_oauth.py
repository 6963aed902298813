"""Multi-workspace install: OAuth through the fake Slack, installations kept in our database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.slack.oauth import authorization_url
from bot.web import create_web_app
from tests.bot.slack.conftest import (
    SlackDriver,
    Store,
    both_databases,
    make_services,
    make_settings,
    serve_in_thread,
)
from tests.fakes.slack_api import BOT_USER_ID, INSTALLED_TOKEN, FakeSlack

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret-9d8e"


@pytest.fixture
def oauth_slack(fake_slack: FakeSlack, store: Store) -> Iterator[SlackDriver]:
    settings = make_settings(
        fake_slack,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
    )
    app = create_web_app(make_services(settings, store.engine, store.sessions))
    with serve_in_thread(app) as url:
        yield SlackDriver(url, fake_slack)


def _install(slack: SlackDriver) -> httpx.Response:
    page = httpx.get(f"{slack.url}/slack/install")
    assert page.status_code == 200
    link = re.search(r'href="([^"]+/oauth/v2/authorize[^"]+)"', page.text)
    assert link is not None, page.text
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert "chat:write" in query["scope"][0].split(",")
    cookie = page.headers["set-cookie"].split(";")[0]  # Secure: a browser would send it on https
    return httpx.get(
        f"{slack.url}/slack/oauth_redirect",
        params={"code": "code-1", "state": query["state"][0]},
        headers={"Cookie": cookie},
    )


@both_databases
def test_install_then_answer_with_the_installed_token(oauth_slack: SlackDriver) -> None:
    finished = _install(oauth_slack)
    assert finished.status_code == 200
    exchange = oauth_slack.fake.wait_for("oauth.v2.access")[0]
    assert exchange.args["code"] == "code-1"
    oauth_slack.event(
        {
            "type": "app_mention",
            "user": "U0ASKER",
            "channel": "C0CHAN",
            "text": f"<@{BOT_USER_ID}> status MP159",
            "ts": "1700000700.000100",
        }
    )
    post = oauth_slack.fake.wait_for("chat.postMessage")[0]
    assert post.token == INSTALLED_TOKEN
    assert "Credit Cover Review" in post.args["text"]


def test_a_forged_state_is_refused(oauth_slack: SlackDriver) -> None:
    response = httpx.get(
        f"{oauth_slack.url}/slack/oauth_redirect", params={"code": "code-1", "state": "forged"}
    )
    assert response.status_code >= 400
    assert oauth_slack.fake.calls("oauth.v2.access") == []


def test_a_workspace_that_never_installed_is_asked_to_install(oauth_slack: SlackDriver) -> None:
    oauth_slack.command("status MP159", team_id="T0OTHER")
    reply = oauth_slack.fake.wait_for("response_url")[0].text
    assert "reinstall" in reply and "Credit Cover Review" not in reply


def test_authorize_page_follows_the_api_base_url(fake_slack: FakeSlack) -> None:
    settings = make_settings(fake_slack, slack_api_base_url="https://slack-gov.com/api/")
    assert authorization_url(settings) == "https://slack-gov.com/oauth/v2/authorize"
    assert authorization_url(make_settings(fake_slack, slack_api_base_url=None)) is None
