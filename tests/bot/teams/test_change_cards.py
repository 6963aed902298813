"""A Teams channel subscribed to `changes` gets each change notice as a card, once, through the
outbox and the fake Bot Connector (no threads on Teams: one card per notice)."""

from __future__ import annotations

from datetime import datetime

from bot.services import Services
from bot.teams.sender import make_teams_sender
from bot.templating import render
from jobs.worker import WorkerConfig, run_once
from sec.timefmt import LONDON
from storage.change_events import record_events
from storage.changes import UPDATE, Change
from storage.db import transaction
from storage.subscriptions import create_subscription
from storage.teams_store import ConversationRef, save_conversation
from tests.bot.teams import activities as act
from tests.bot.teams.card_check import card_problems
from tests.bot.teams.conftest import bot_token, teams_settings
from tests.fakes.bot_connector import FakeBotConnector

AT = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


def test_a_change_reaches_a_subscribed_teams_channel_once_as_a_card(
    services: Services, connector: FakeBotConnector
) -> None:
    with transaction(services.sessions) as session:
        ref = ConversationRef(
            act.TEAM_CHANNEL,
            connector.service_url,
            "channel",
            act.TENANT,
            act.BOT_ID,
            None,
            "SEC Change Team / General",
        )
        save_conversation(session, ref=ref, at=AT)
        create_subscription(
            session,
            surface="teams",
            channel=act.TEAM_CHANNEL,
            topic="changes",
            created_by=act.USER_AAD,
            at=AT,
        )
        stage = Change(
            UPDATE,
            "MP159",
            "stage",
            "the SECAS page",
            event="stage",
            ref="MP159",
            before="Refinement Process",
            after="Implemented",
        )
        record_events(session, [stage], document_id=None, sync_run_id=None, baseline=False)
    sender = make_teams_sender(services, teams_settings(app_id=act.APP_ID), token=bot_token)
    config = WorkerConfig(
        engine=services.engine, render=render, pace=0.0, extra_senders={"teams": sender}
    )
    for _ in range(2):  # the second run has nothing more to tell
        assert run_once(config, AT) is not None

    cards = [call.cards()[0] for call in connector.activities(act.TEAM_CHANNEL)]
    assert len(cards) == 1
    [card] = cards
    assert card["body"][0]["text"] == "MP159 ‘Credit Cover Review’ changed"
    assert "Stage moved from Refinement Process to Implemented" in card["fallbackText"]
    assert card_problems(card) == []
