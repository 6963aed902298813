"""/sec through the real HTTP stack: acknowledged at once, answered through the response_url."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import select

from bot.router import Context
from bot.services import Services
from bot.slack.chat import APOLOGY
from bot.views import Answer
from storage.models import AuditEntry, Subscription
from tests.bot.slack.conftest import (
    ADMIN,
    BOT_TOKEN,
    SlackDriver,
    Store,
    both_databases,
    redaction_installed,
)


def _answer(slack: SlackDriver, text: str, **fields: object) -> dict:
    before = len(slack.fake.calls("response_url"))
    response = slack.command(text, **fields)  # type: ignore[arg-type]
    assert response.status_code == 200
    return slack.fake.wait_for("response_url", count=before + 1)[-1].args


def test_acknowledges_at_once_and_answers_ephemerally(slack: SlackDriver) -> None:
    started = time.monotonic()
    response = slack.command("status MP159")
    acked = time.monotonic() - started
    assert response.status_code == 200
    assert response.text == ""  # nothing echoed into the channel
    answer = slack.fake.wait_for("response_url")[0]
    assert acked < 1.5
    assert time.monotonic() - started < 3
    assert answer.args["response_type"] == "ephemeral"
    assert "Credit Cover Review" in answer.args["blocks"][0]["text"]["text"]
    assert "Credit Cover Review" in answer.args["text"]


def test_public_posts_in_the_channel(slack: SlackDriver) -> None:
    answer = _answer(slack, "release Feb 2022 public")
    assert answer["response_type"] == "in_channel"
    assert answer["blocks"][0]["text"]["text"] == "February 2022 SEC Release"


def test_conversational_question_is_answered(slack: SlackDriver) -> None:
    answer = _answer(slack, "is MP128B in Feb 22?")
    assert answer["blocks"][0]["text"]["text"].startswith("*Yes*")


def test_unknown_reference_suggests_commands_as_buttons(slack: SlackDriver) -> None:
    answer = _answer(slack, "status MP999")
    actions = [b for b in answer["blocks"] if b["type"] == "actions"]
    assert actions and all(e["action_id"].startswith("secbot_cmd_") for e in actions[0]["elements"])
    assert actions[0]["elements"][0]["value"].startswith("status ")


def test_failing_handler_apologises_and_logs_without_tokens(
    slack: SlackDriver, slack_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(session: object, args: str, ctx: Context) -> Answer:
        raise RuntimeError(f"lost the database with token {BOT_TOKEN}")

    slack_services.router.register("explode", explode, usage="explode", description="test")
    with redaction_installed(), caplog.at_level(logging.INFO):
        answer = _answer(slack, "explode")
        assert "went wrong" in answer["text"]
        assert answer["response_type"] == "ephemeral"
        assert "lost the database" in caplog.text  # the error was logged ...
        assert BOT_TOKEN not in caplog.text  # ... without the token


def test_failure_in_the_slack_layer_apologises(
    slack: SlackDriver, slack_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    def unrenderable(session: object, args: str, ctx: Context) -> Answer:
        return Answer("status", model=None)  # a view the templates cannot draw

    slack_services.router.register("broken", unrenderable, usage="broken", description="test")
    with redaction_installed(), caplog.at_level(logging.ERROR):
        answer = _answer(slack, "broken", tag="cmd-broken")
        assert answer["text"] == APOLOGY
        assert "the /sec command failed" in caplog.text
        assert "response/cmd-broken" not in caplog.text or "[redacted]" in caplog.text


def test_channel_escapes_are_not_echoed_raw(slack: SlackDriver) -> None:
    slack.command("status <!channel> <@U123>")
    call = slack.fake.wait_for("response_url")[0]
    assert "<!channel>" not in call.text and "<@U123>" not in call.text
    assert "&lt;!channel&gt;" in call.args["text"]


def test_administrator_commands_are_refused_to_others(slack: SlackDriver, store: Store) -> None:
    answer = _answer(slack, "closure 28 December 2021", user_id="U0SOMEONE")
    assert "only secbot administrators" in answer["text"]
    with store.sessions() as session:
        assert session.scalars(select(AuditEntry)).all() == []


@both_databases
def test_administrator_change_is_audited_with_who(slack: SlackDriver, store: Store) -> None:
    answer = _answer(slack, "set-status MP159 report Report issued for consultation", user_id=ADMIN)
    assert answer["text"].startswith("Done")
    with store.sessions() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.actor, entry.action, entry.detail["ref"]) == (ADMIN, "set-status", "MP159")
    status = _answer(slack, "status MP159")
    assert "Report issued for consultation" in status["text"]


@both_databases
def test_subscribe_in_a_channel_and_in_a_direct_message(slack: SlackDriver, store: Store) -> None:
    first = _answer(slack, "subscribe meetings", channel_id="C0CHAN")
    again = _answer(slack, "subscribe meetings", channel_id="C0CHAN")
    mine = _answer(slack, "subscribe MP159", channel_id="D0DM", user_id="U0ME")
    assert first["text"].startswith("Done: this channel")
    assert "already gets" in again["text"]
    assert mine["text"].startswith("Done: you")
    with store.sessions() as session:
        rows = session.scalars(select(Subscription).order_by(Subscription.id)).all()
    assert [(r.surface, r.channel, r.topic, r.value) for r in rows] == [
        ("slack", "C0CHAN", "meetings", ""),
        ("slack", "U0ME", "ref", "MP159"),
    ]
