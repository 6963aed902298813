"""Teams link unfurling: composeExtension/queryLink through the web app and the SDK, answered
with the router's status card; the manifest declares the domain."""

from __future__ import annotations

from starlette.testclient import TestClient

from bot.teams.manifest import build_manifest
from tests.bot.teams import activities as act
from tests.bot.teams.card_check import card_problems
from tests.bot.teams.conftest import teams_settings
from tests.fakes.bot_connector import FakeBotConnector

ENDPOINT = "/api/messages"
PAGE = "https://smartenergycodecompany.co.uk/modifications/credit-cover-review/"


def _query_link(url: str, service_url: str) -> dict[str, object]:
    return act._base(
        service_url,
        act.channel_conversation(),
        type="invoke",
        name="composeExtension/queryLink",
        value={"url": url},
        channelData=act.team_channel_data(),
    )


def test_a_modification_link_unfurls_as_its_status_card(
    dev_client: TestClient, connector: FakeBotConnector
) -> None:
    response = dev_client.post(ENDPOINT, json=_query_link(PAGE, connector.service_url))
    assert response.status_code == 200
    result = response.json()["composeExtension"]
    assert result["type"] == "result"
    (attachment,) = result["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card_problems(attachment["content"]) == []
    assert "Credit Cover Review" in str(attachment["content"])
    preview = attachment["preview"]
    assert preview["contentType"] == "application/vnd.microsoft.card.thumbnail"
    assert preview["content"]["title"] == "MP159 Credit Cover Review"


def test_other_links_get_no_unfurl(dev_client: TestClient, connector: FakeBotConnector) -> None:
    other = "https://smartenergycodecompany.co.uk/modifications/not-a-modification/"
    response = dev_client.post(ENDPOINT, json=_query_link(other, connector.service_url))
    assert response.status_code == 200
    assert response.json()["composeExtension"]["attachments"] == []


def test_the_manifest_declares_the_link_domain() -> None:
    manifest = build_manifest(teams_settings(app_id=act.APP_ID), [], version="1.0.0")
    (extension,) = manifest["composeExtensions"]
    assert extension["botId"] == act.APP_ID
    (handler,) = extension["messageHandlers"]
    assert handler == {
        "type": "link",
        "value": {"domains": ["smartenergycodecompany.co.uk", "www.smartenergycodecompany.co.uk"]},
    }
