"""Proactive messages: outbox rows posted to Teams through the fake Bot Connector."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.services import Services
from bot.teams.sender import make_teams_sender
from bot.templating import render
from jobs.senders.teams import TeamsSender
from storage import outbox
from storage.db import transaction
from storage.outbox import ClaimedDelivery, NewDelivery
from storage.teams_store import (
    ConversationRef,
    get_personal_conversation,
    mark_removed,
    save_conversation,
)
from tests.bot.teams import activities as act
from tests.bot.teams.card_check import card_problems
from tests.bot.teams.conftest import BOT_TOKEN, bot_token, teams_settings
from tests.fakes.bot_connector import FakeBotConnector

DUE = datetime(2019, 4, 2, 8, 0, tzinfo=UTC)  # 09:00 in London
WORKING_GROUP = {
    "kind": "meeting",
    "meeting": {
        "kind": "working_group",
        "label": "Working Group",
        "title": "Working Group",
        "day": "2019-04-03",
    },
    "modifications": [{"ref": "MP071", "title": "Some change", "note": ""}],
}
REMINDER_TEXT = "Working Group tomorrow: Wednesday 3 April 2019\nOn the agenda: MP071"


def reminder_payload() -> dict[str, Any]:
    card = json.loads(render("teams", "reminder", r=WORKING_GROUP, text=REMINDER_TEXT))
    return {"text": REMINDER_TEXT, "card": card, "late_note": "Sent late: the worker was down."}


def delivery(recipient: str, *, attempts: int = 1, **changes: Any) -> ClaimedDelivery:
    values: dict[str, Any] = {
        "id": 1,
        "reminder_key": "meeting:wg-2019-04-03:2019-04-03-1wd",
        "kind": "meeting",
        "surface": "teams",
        "recipient": recipient,
        "due_at": DUE,
        "payload": reminder_payload(),
        "attempts": attempts,
        "created_at": DUE,
    }
    values.update(changes)
    return ClaimedDelivery(**values)


def install(sessions: sessionmaker[Session], service_url: str, **changes: Any) -> None:
    ref = ConversationRef(
        **{
            "conversation_id": act.TEAM_CHANNEL,
            "service_url": service_url,
            "conversation_type": "channel",
            "tenant_id": act.TENANT,
            "bot_id": act.BOT_ID,
            **changes,
        }
    )
    with transaction(sessions) as session:
        save_conversation(session, ref=ref, at=DUE)


@pytest.fixture
def services(empty_services: Services) -> Services:
    return empty_services


@pytest.fixture
def sender(services: Services) -> TeamsSender:
    settings = teams_settings(app_id=act.APP_ID, tenant_id=act.TENANT)
    made = make_teams_sender(services, settings, token=bot_token)
    made.pacer.interval = 0.0
    return made


def test_the_reminder_card_declares_1_5_and_validates() -> None:
    card = reminder_payload()["card"]
    assert card["version"] == "1.5"
    assert card_problems(card) == []
    assert card["body"][0]["text"] == "Working Group tomorrow: Wednesday 3 April 2019"


def test_a_reminder_reaches_a_channel_once_through_the_outbox(
    services: Services, connector: FakeBotConnector, sender: TeamsSender
) -> None:
    install(services.sessions, connector.service_url)
    row = NewDelivery(
        "meeting:wg:2019-04-03", "meeting", "teams", act.TEAM_CHANNEL, DUE, reminder_payload()
    )
    with transaction(services.sessions) as session:
        outbox.enqueue_deliveries(session, rows=[row, row], now=DUE)
    for _ in range(2):  # a second run finds nothing left to send
        with transaction(services.sessions) as session:
            claimed = outbox.claim_due(
                session, now=DUE, worker_id="w", claimed_at=DUE, surfaces=["teams"]
            )
        for item in claimed:
            result = sender.send(item, late=False, too_old=False)
            assert result.outcome == "sent"
            with transaction(services.sessions) as session:
                assert outbox.mark_sent(
                    session,
                    delivery_id=item.id,
                    worker_id="w",
                    ts=str(result.ts),
                    at=DUE,
                    late=False,
                )

    [posted] = connector.activities(act.TEAM_CHANNEL)
    assert posted.token == BOT_TOKEN
    assert posted.cards()[0]["body"][0]["text"].startswith("Working Group tomorrow")
    assert posted.body["summary"] == "Working Group tomorrow: Wednesday 3 April 2019"


def test_a_person_subscribed_in_their_chat_gets_it_there(
    services: Services, connector: FakeBotConnector, sender: TeamsSender
) -> None:
    install(
        services.sessions,
        connector.service_url,
        conversation_id=act.PERSONAL_CHAT,
        conversation_type="personal",
        user_aad_id=act.USER_AAD,
    )

    result = sender.send(delivery(act.USER_AAD), late=False, too_old=False)

    assert result.outcome == "sent"
    assert len(connector.activities(act.PERSONAL_CHAT)) == 1


def test_a_person_without_a_chat_gets_one_opened_and_remembered(
    services: Services, connector: FakeBotConnector, sender: TeamsSender
) -> None:
    sender.service_url = connector.service_url
    result = sender.send(delivery(act.USER_AAD), late=False, too_old=False)

    assert result.outcome == "sent"
    [created] = connector.created_conversations()
    assert created.body["members"] == [{"id": act.USER_AAD}]
    assert created.body["tenantId"] == act.TENANT
    with transaction(services.sessions) as session:
        chat = get_personal_conversation(session, user_aad_id=act.USER_AAD)
        assert chat is not None
        assert len(connector.activities(chat.conversation_id)) == 1


def test_a_removed_conversation_is_dead_and_nothing_is_posted(
    services: Services, connector: FakeBotConnector, sender: TeamsSender
) -> None:
    install(services.sessions, connector.service_url)
    with transaction(services.sessions) as session:
        mark_removed(session, conversation_id=act.TEAM_CHANNEL, at=DUE)

    result = sender.send(delivery(act.TEAM_CHANNEL), late=False, too_old=False)

    assert result.outcome == "dead"
    assert connector.calls() == []


def test_an_unknown_channel_is_dead(sender: TeamsSender, connector: FakeBotConnector) -> None:
    result = sender.send(delivery("19:never-installed@thread.tacv2"), late=False, too_old=False)
    assert result.outcome == "dead" and "no Teams conversation" in str(result.error)


@pytest.mark.parametrize(
    ("status", "outcome", "retry_after"),
    [
        (429, "retry", 7.0),
        (500, "retry", None),
        (503, "retry", None),
        (403, "dead", None),
        (404, "dead", None),
    ],
)
def test_connector_errors_become_outbox_outcomes(
    services: Services,
    connector: FakeBotConnector,
    sender: TeamsSender,
    status: int,
    outcome: str,
    retry_after: float | None,
) -> None:
    install(services.sessions, connector.service_url)
    connector.fail_next(status, retry_after=7 if status == 429 else None)

    result = sender.send(delivery(act.TEAM_CHANNEL), late=False, too_old=False)

    assert (result.outcome, result.retry_after) == (outcome, retry_after)
    assert str(status) in str(result.error) or status == 429


def test_a_late_reminder_says_so(
    services: Services, connector: FakeBotConnector, sender: TeamsSender
) -> None:
    install(services.sessions, connector.service_url)
    assert sender.send(delivery(act.TEAM_CHANNEL), late=True, too_old=False).outcome == "sent"

    card = connector.activities()[0].cards()[0]
    assert card["body"][-1]["text"] == "Sent late: the worker was down."
    assert card_problems(card) == []


def test_past_the_catch_up_window_nothing_is_posted(
    services: Services, connector: FakeBotConnector, sender: TeamsSender
) -> None:
    install(services.sessions, connector.service_url)
    result = sender.send(delivery(act.TEAM_CHANNEL), late=True, too_old=True)
    assert result.outcome == "skipped"
    assert connector.calls() == []


def test_an_unreachable_connector_is_retried(services: Services, sender: TeamsSender) -> None:
    install(services.sessions, "http://127.0.0.1:9/")  # the discard port: refused
    result = sender.send(delivery(act.TEAM_CHANNEL), late=False, too_old=False)
    assert result.outcome == "retry" and "connection" in str(result.error)


def test_local_development_posts_without_a_token(
    services: Services, connector: FakeBotConnector
) -> None:
    install(services.sessions, connector.service_url)
    made = make_teams_sender(services, teams_settings(allow_unauthenticated=True))

    assert made.send(delivery(act.TEAM_CHANNEL), late=False, too_old=False).outcome == "sent"
    assert connector.activities()[0].token is None


def test_no_sender_without_teams_configuration(services: Services) -> None:
    with pytest.raises(ValueError, match="TEAMS_APP_ID"):
        make_teams_sender(services, teams_settings())
