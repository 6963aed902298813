"""Development mode (TEAMS_ALLOW_UNAUTHENTICATED: no token checked) accepts only activities whose
serviceUrl is on this machine, so a forged activity can neither receive the bot's replies (and
token) nor have its URL stored for later messages."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from bot.services import Services
from bot.teams.adapter import is_loopback_url
from storage.db import transaction
from storage.teams_store import get_conversation
from tests.bot.teams import activities as act
from tests.fakes.bot_connector import FakeBotConnector

ENDPOINT = "/api/messages"
ELSEWHERE = "https://attacker.example/teams/"


@pytest.mark.parametrize(
    "url",
    [
        ELSEWHERE,
        "http://10.0.0.5/",
        "http://localhost.attacker.example/",
        "ftp://127.0.0.1/",
        "",
        "http://user:pw@127.0.0.1/",
        "http://127.0.0.1:notaport/",
        None,
        7,
    ],
)
def test_urls_off_this_machine_are_not_loopback(url: object) -> None:
    assert not is_loopback_url(url)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:3978/", "http://127.9.8.7/", "http://[::1]:8080/", "https://localhost/"],
)
def test_urls_on_this_machine_are_loopback(url: str) -> None:
    assert is_loopback_url(url)


def test_development_mode_refuses_a_service_url_off_this_machine(
    dev_client: TestClient, connector: FakeBotConnector, services: Services
) -> None:
    forged = act.message("status MP159", ELSEWHERE)
    response = dev_client.post(ENDPOINT, json=forged)
    assert response.status_code == 403
    installed = act.installation("add", ELSEWHERE)
    assert dev_client.post(ENDPOINT, json=installed).status_code == 403
    with transaction(services.sessions) as session:
        assert get_conversation(session, conversation_id=act.TEAM_CHANNEL) is None
    assert connector.calls() == []


def test_development_mode_answers_a_local_service_url(
    dev_client: TestClient, connector: FakeBotConnector
) -> None:
    response = dev_client.post(ENDPOINT, json=act.message("status MP159", connector.service_url))
    assert response.status_code == 200
    assert connector.wait_for_activities(1)
