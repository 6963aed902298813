"""The Teams messaging endpoint: activities posted the way Teams posts them, replies seen at a
fake Bot Connector, the SDK's token validation, and install events stored."""

from __future__ import annotations

from sqlalchemy import select
from starlette.testclient import TestClient

from bot.services import Services
from storage.db import transaction
from storage.models import Subscription
from storage.teams_store import get_conversation
from tests.bot.teams import activities as act
from tests.bot.teams.card_check import card_problems
from tests.bot.teams.conftest import BOT_TOKEN, MakeClient, teams_settings
from tests.fakes.bot_connector import FakeBotConnector, Signer

ENDPOINT = "/api/messages"


def card_text(card: dict) -> str:
    """Every string in a card, to look for what a person would read."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.append(node)

    walk(card)
    return "\n".join(found)


def test_status_in_a_personal_chat_replies_with_a_card(
    dev_client: TestClient, connector: FakeBotConnector
) -> None:
    response = dev_client.post(ENDPOINT, json=act.message("status MP159", connector.service_url))

    assert response.status_code == 200
    [reply] = connector.activities(act.PERSONAL_CHAT)
    [card] = reply.cards()
    assert card["version"] == "1.5"
    assert card_problems(card) == []
    assert card["body"][0]["text"] == "MP159: Credit Cover Review"
    assert "Credit Cover Review" in card["fallbackText"]  # the text fallback
    # The notification line is the answer's first: the paper's facts, said in the past tense.
    assert reply.body["summary"] == (
        "On 21 September 2021, the latest I know, MP159 ‘Credit Cover Review’ was in the"
        " Refinement Process."
    )
    assert reply.body["from"]["id"] == act.BOT_ID


def test_a_channel_mention_is_stripped_and_answered_in_its_thread(
    dev_client: TestClient, connector: FakeBotConnector
) -> None:
    activity = act.channel_mention("status MP159", connector.service_url, thread="1700000000777")
    assert dev_client.post(ENDPOINT, json=activity).status_code == 200

    [reply] = connector.activities()
    assert reply.conversation_id == f"{act.TEAM_CHANNEL};messageid=1700000000777"
    assert "Credit Cover Review" in card_text(reply.cards()[0])


def test_subscribing_a_channel_uses_the_conversation_not_the_thread(
    dev_client: TestClient, connector: FakeBotConnector, services: Services
) -> None:
    activity = act.channel_mention("subscribe meetings", connector.service_url)
    assert dev_client.post(ENDPOINT, json=activity).status_code == 200

    with transaction(services.sessions) as session:
        rows = session.scalars(select(Subscription)).all()
        assert [(r.surface, r.channel, r.topic) for r in rows] == [
            ("teams", act.TEAM_CHANNEL, "meetings")
        ]
    assert "reminders about meetings" in card_text(connector.activities()[0].cards()[0])


def test_an_ask_button_runs_the_command_it_carries(
    dev_client: TestClient, connector: FakeBotConnector
) -> None:
    pressed = act.message(
        "", connector.service_url, value={"action": "ask", "text": "history MP159"}
    )
    assert dev_client.post(ENDPOINT, json=pressed).status_code == 200

    card = connector.activities()[0].cards()[0]
    assert card["body"][0]["text"] == "History of MP159: Credit Cover Review"


def test_a_nudge_button_from_someone_else_is_refused(
    dev_client: TestClient, connector: FakeBotConnector
) -> None:
    pressed = act.message("", connector.service_url, value={"action": "snooze", "decision_id": 7})
    assert dev_client.post(ENDPOINT, json=pressed).status_code == 200

    # Only the person who speaks for the Proposer (or an administrator) may answer a nudge.
    assert "Only the person who speaks for the Proposer" in card_text(
        connector.activities()[0].cards()[0]
    )


def test_no_token_is_refused_when_credentials_are_configured(
    secured_client: TestClient, connector: FakeBotConnector
) -> None:
    response = secured_client.post(
        ENDPOINT, json=act.message("status MP159", connector.service_url)
    )

    assert response.status_code == 401
    assert connector.activities() == []


def test_a_malformed_token_is_refused(
    secured_client: TestClient, connector: FakeBotConnector
) -> None:
    response = secured_client.post(
        ENDPOINT,
        json=act.message("status MP159", connector.service_url),
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert response.status_code == 401
    assert connector.activities() == []


def test_a_token_signed_by_someone_else_is_refused(
    secured_client: TestClient, connector: FakeBotConnector
) -> None:
    forged = Signer("forger", kid=connector.signer.kid).token(
        app_id=act.APP_ID, service_url=connector.service_url
    )
    response = secured_client.post(
        ENDPOINT,
        json=act.message("status MP159", connector.service_url),
        headers={"Authorization": f"Bearer {forged}"},
    )
    assert response.status_code == 401
    assert connector.activities() == []


def test_a_token_for_another_bot_is_refused(
    secured_client: TestClient, connector: FakeBotConnector
) -> None:
    token = connector.signer.token(app_id="another-bot", service_url=connector.service_url)
    response = secured_client.post(
        ENDPOINT,
        json=act.message("status MP159", connector.service_url),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401


def test_a_valid_connector_token_is_accepted_and_the_reply_carries_the_bot_token(
    secured_client: TestClient, connector: FakeBotConnector
) -> None:
    token = connector.signer.token(app_id=act.APP_ID, service_url=connector.service_url)
    response = secured_client.post(
        ENDPOINT,
        json=act.message("status MP159", connector.service_url),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    [reply] = connector.activities()
    assert reply.token == BOT_TOKEN
    assert "Credit Cover Review" in card_text(reply.cards()[0])


def test_without_credentials_every_request_is_refused_unless_development_allows_it(
    make_client: MakeClient, connector: FakeBotConnector
) -> None:
    client = make_client(teams_settings())
    response = client.post(ENDPOINT, json=act.message("help", connector.service_url))
    assert response.status_code == 401


def test_a_body_that_is_not_an_activity_is_a_bad_request(dev_client: TestClient) -> None:
    response = dev_client.post(
        ENDPOINT, content=b"not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_installing_in_a_team_stores_the_conversation_and_removal_marks_it(
    dev_client: TestClient, connector: FakeBotConnector, services: Services
) -> None:
    added = act.installation("add", connector.service_url)
    assert dev_client.post(ENDPOINT, json=added).status_code == 200

    with transaction(services.sessions) as session:
        row = get_conversation(session, conversation_id=act.TEAM_CHANNEL)
        assert row is not None and row.active
        assert (row.service_url, row.tenant_id, row.conversation_type, row.bot_id) == (
            connector.service_url,
            act.TENANT,
            "channel",
            act.BOT_ID,
        )
        assert row.name == "SEC Change Team / General"

    removed = act.installation("remove", connector.service_url)
    assert dev_client.post(ENDPOINT, json=removed).status_code == 200
    with transaction(services.sessions) as session:
        row = get_conversation(session, conversation_id=act.TEAM_CHANNEL)
        assert row is not None and row.removed_at is not None


def test_the_bot_joining_a_personal_chat_stores_who_it_is_with(
    dev_client: TestClient, connector: FakeBotConnector, services: Services
) -> None:
    joined = act.bot_membership(connector.service_url, added=True)
    assert dev_client.post(ENDPOINT, json=joined).status_code == 200

    with transaction(services.sessions) as session:
        row = get_conversation(session, conversation_id=act.PERSONAL_CHAT)
        assert row is not None
        assert (row.conversation_type, row.user_aad_id) == ("personal", act.USER_AAD)

    left = act.bot_membership(connector.service_url, added=False)
    assert dev_client.post(ENDPOINT, json=left).status_code == 200
    with transaction(services.sessions) as session:
        row = get_conversation(session, conversation_id=act.PERSONAL_CHAT)
        assert row is not None and not row.active


def test_channel_chatter_that_does_not_mention_the_bot_gets_no_reply(
    dev_client: TestClient, connector: FakeBotConnector
) -> None:
    activity = act.channel_mention("status MP159", connector.service_url)
    activity["text"] = "status MP159 is on the agenda"
    activity["entities"] = []
    assert dev_client.post(ENDPOINT, json=activity).status_code == 200
    assert connector.activities() == []
