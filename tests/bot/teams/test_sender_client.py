"""The Teams sender keeps one HTTP client and one event loop for its life, and closes them."""

from __future__ import annotations

import pytest

from bot.services import Services
from bot.teams.sender import make_teams_sender
from jobs.senders.teams import TeamsSender
from tests.bot.teams import activities as act
from tests.bot.teams.conftest import bot_token, teams_settings
from tests.bot.teams.test_sender import delivery, install
from tests.fakes.bot_connector import FakeBotConnector


@pytest.fixture
def sender(empty_services: Services) -> TeamsSender:
    settings = teams_settings(app_id=act.APP_ID, tenant_id=act.TENANT)
    made = make_teams_sender(empty_services, settings, token=bot_token)
    made.pacer.interval = 0.0
    return made


def test_messages_share_one_client_and_one_connection(
    empty_services: Services, connector: FakeBotConnector, sender: TeamsSender
) -> None:
    install(empty_services.sessions, connector.service_url)
    results = [sender.send(delivery(act.TEAM_CHANNEL), late=False, too_old=False)]
    first_client = sender.http
    results += [sender.send(delivery(act.TEAM_CHANNEL), late=False, too_old=False) for _ in "ab"]
    assert [r.outcome for r in results] == ["sent"] * 3
    assert sender.http is first_client is not None
    assert len(connector.activities(act.TEAM_CHANNEL)) == 3
    assert connector.connections == 1  # a client per message opened one each


def test_close_closes_the_client_and_refuses_later_sends(
    empty_services: Services, connector: FakeBotConnector, sender: TeamsSender
) -> None:
    install(empty_services.sessions, connector.service_url)
    assert sender.send(delivery(act.TEAM_CHANNEL), late=False, too_old=False).outcome == "sent"
    client = sender.http
    assert client is not None
    sender.close()
    sender.close()  # twice is harmless
    assert client.http.is_closed
    with pytest.raises(RuntimeError, match="closed"):
        sender.send(delivery(act.TEAM_CHANNEL), late=False, too_old=False)


def test_a_sender_never_used_closes_without_starting_anything(sender: TeamsSender) -> None:
    sender.close()
    assert sender.http is None
