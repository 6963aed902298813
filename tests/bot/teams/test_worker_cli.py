"""The Teams "done when", through the real command: `secbot worker --once --at 2019-04-02T09:00`
delivers the 3 April 2019 Working Group reminder to a Teams channel subscribed to meetings, once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from sec.timefmt import LONDON
from storage.db import transaction
from storage.subscriptions import create_subscription
from storage.teams_store import ConversationRef, save_conversation
from tests.bot.teams import activities as act
from tests.conftest import database_url_for
from tests.fakes.bot_connector import FakeBotConnector

BEFORE = datetime(2019, 3, 1, tzinfo=LONDON)


def run_worker(url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_"))}
    env.update(DATABASE_URL=url, TEAMS_ALLOW_UNAUTHENTICATED="true")
    command = [
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        "worker",
        "--once",
        "--at",
        "2019-04-02T09:00",
    ]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_worker_once_reaches_a_teams_channel_once(
    loaded: sessionmaker[Session], connector: FakeBotConnector
) -> None:
    engine = loaded.kw["bind"]
    with transaction(loaded) as session:
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
    schema = None
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.exec_driver_sql("select current_schema()").scalar()
    url = database_url_for(engine, schema)

    for _ in range(2):  # the second run finds the reminder already delivered
        result = run_worker(url)
        assert result.returncode == 0, result.stderr[-2000:]

    reminders = [
        a
        for a in connector.activities(act.TEAM_CHANNEL)
        if "Wednesday 3 April 2019" in a.cards()[0]["fallbackText"]
    ]
    assert len(reminders) == 1
