"""Teams tables through the messaging endpoint and the fake Bot Connector: release scope,
pending and deadlines arrive as Adaptive Card 1.5 Tables that the card check accepts; `tracker`
explains what to use instead in Teams."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.bot.teams import activities as act
from tests.bot.teams.card_check import card_problems
from tests.fakes.bot_connector import FakeBotConnector

ENDPOINT = "/api/messages"


def ask(client: TestClient, connector: FakeBotConnector, text: str) -> dict:
    assert client.post(ENDPOINT, json=act.message(text, connector.service_url)).status_code == 200
    [card] = connector.activities(act.PERSONAL_CHAT)[-1].cards()
    assert card_problems(card) == []
    return card


@pytest.mark.parametrize("text", ["release Feb 2022", "pending", "deadlines next 4 weeks"])
def test_comparing_answers_are_card_tables(
    dev_client: TestClient, connector: FakeBotConnector, text: str
) -> None:
    card = ask(dev_client, connector, text)

    [table] = [item for item in card["body"] if item["type"] == "Table"]
    header = [cell["items"][0]["text"] for cell in table["rows"][0]["cells"]]
    assert header[0] == "Modification" and len(header) == 4
    assert all(len(row["cells"]) == 4 for row in table["rows"])
    assert table["firstRowAsHeaders"] is True


def test_the_release_table_links_each_modification(
    dev_client: TestClient, connector: FakeBotConnector
) -> None:
    card = ask(dev_client, connector, "release Feb 2022")
    [table] = [item for item in card["body"] if item["type"] == "Table"]
    first = table["rows"][1]["cells"][0]["items"][0]["text"]
    assert first.startswith("[MP") and "](https://smartenergycodecompany.co.uk/" in first


def test_a_tracker_in_teams_says_what_to_use_instead(
    dev_client: TestClient, connector: FakeBotConnector
) -> None:
    card = ask(dev_client, connector, "tracker release Feb 2022")
    assert "Teams has no canvases" in card["fallbackText"]
