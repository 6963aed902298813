"""A Teams channel subscribed to meetings gets the 3 April 2019 Working Group reminder from the
worker run as of 2 April 2019 09:00, through the outbox and the fake Bot Connector, once."""

from __future__ import annotations

from datetime import datetime

from bot.services import Services
from bot.teams.sender import make_teams_sender
from bot.templating import render
from jobs.worker import WorkerConfig, run_once
from sec.timefmt import LONDON
from storage.db import transaction
from storage.subscriptions import create_subscription
from storage.teams_store import ConversationRef, save_conversation
from tests.bot.teams import activities as act
from tests.bot.teams.card_check import card_problems
from tests.bot.teams.conftest import BOT_TOKEN, bot_token, teams_settings
from tests.fakes.bot_connector import FakeBotConnector

AT = datetime(2019, 4, 2, 9, 0, tzinfo=LONDON)
BEFORE = datetime(2019, 3, 1, tzinfo=LONDON)


def test_the_working_group_reminder_reaches_a_subscribed_channel_once(
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
        save_conversation(session, ref=ref, at=BEFORE)
        create_subscription(
            session,
            surface="teams",
            channel=act.TEAM_CHANNEL,
            topic="meetings",
            created_by=act.USER_AAD,
            at=BEFORE,
        )
    sender = make_teams_sender(services, teams_settings(app_id=act.APP_ID), token=bot_token)
    config = WorkerConfig(
        engine=services.engine, render=render, pace=0.0, extra_senders={"teams": sender}
    )

    for _ in range(2):  # the second run finds the reminder already sent
        assert run_once(config, AT) is not None

    working_group = [
        call
        for call in connector.activities(act.TEAM_CHANNEL)
        if "Working Group" in call.cards()[0]["body"][0]["text"]
        and "3 April 2019" in call.cards()[0]["fallbackText"]
    ]
    assert len(working_group) == 1
    [posted] = working_group
    assert posted.token == BOT_TOKEN
    assert card_problems(posted.cards()[0]) == []
