"""Nudge buttons and modals through the real HTTP stack: signed block_actions and view_submission
payloads to our web app, the fake Slack recording views.open, chat.update and response_url calls.
The last test is the whole story from the command line: the worker DMs the Proposer, the modal
closes the decision, and `pending` shows it waiting before and not after."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.slack.nudges import DECIDED_VIEW, MADE, NOT_ME, NOT_ME_VIEW, SNOOZE, SNOOZE_UNTIL
from bot.templating import render
from sec.timefmt import today
from storage import admin, nudges
from storage.db import transaction
from storage.models import Contact, Decision, Modification, StatusEntry
from tests.bot.slack.conftest import SlackDriver, Store
from tests.fakes.signing import new_action_ts
from tests.fakes.slack_api import FakeSlack

PROPOSER, DM, TS = "U0PROP", "D0PROP", "1700000001.000001"


@pytest.fixture
def decision(store: Store) -> int:
    """MP107's open decision, its Proposer linked to U0PROP."""
    with transaction(store.sessions) as session:
        mod = session.scalars(select(Modification).where(Modification.ref == "MP107")).one()
        admin.set_proposer_slack_user(session, modification=mod, slack_user_id=PROPOSER)
        return next(d.id for d in mod.decisions if d.resolved_on is None)


def nudge_message(decision_id: int) -> dict[str, Any]:
    """The DM as the worker renders it."""
    context = {
        "kind": "nudge",
        "decision_id": decision_id,
        "ref": "MP107",
        "title": "SMETS1",
        "url": None,
        "owner": "Proposer",
        "what": "which solution",
        "since": today(),
        "age": 0,
        "due": None,
        "due_passed": False,
        "number": 1,
        "meeting": None,
    }
    blocks = json.loads(render("slack", "nudge", r=context))
    return {"type": "message", "ts": TS, "text": "Decision waiting on you", "blocks": blocks}


def press(
    slack: SlackDriver,
    action_id: str,
    decision_id: int,
    *,
    user: str = PROPOSER,
    message: dict[str, Any] | None = None,
    **extra: Any,
) -> None:
    action = {
        "type": "button",
        "action_id": action_id,
        "block_id": f"secbot_nudge:{decision_id}",
        "value": str(decision_id),
        "action_ts": new_action_ts(),
        **extra,
    }
    if action_id == SNOOZE_UNTIL:
        action = {k: v for k, v in action.items() if k != "value"} | {"type": "datepicker"}
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "pat", "team_id": "T0001"},
        "api_app_id": "A0001",
        "team": {"id": "T0001", "domain": "test"},
        "trigger_id": "123.456.abc",
        "container": {"type": "message", "message_ts": TS, "channel_id": DM},
        "channel": {"id": DM, "name": "directmessage"},
        "message": message or nudge_message(decision_id),
        "response_url": slack.fake.response_url("action"),
        "actions": [action],
    }
    assert slack.action(payload).status_code == 200


def submit(
    slack: SlackDriver, opened: dict[str, Any], note: str, *, user: str = PROPOSER
) -> dict[str, Any]:
    """Submit the modal views.open showed, with the note typed; returns our JSON answer."""
    value = {"type": "plain_text_input", "value": note}
    view = {**opened, "id": "V0001", "state": {"values": {"note": {"text": value}}}}
    payload = {
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "test"},
        "user": {"id": user, "username": "pat", "team_id": "T0001"},
        "api_app_id": "A0001",
        "trigger_id": "1.2.3",
        "view": view,
    }
    response = slack.action(payload)
    assert response.status_code == 200
    return response.json() if response.content else {}


def _decision(store: Store, decision_id: int) -> Decision:
    with store.sessions() as session:
        found = session.get(Decision, decision_id)
        assert found is not None
        return found


def test_decision_made_opens_a_modal_and_submitting_closes_it(
    slack: SlackDriver, store: Store, decision: int
) -> None:
    press(slack, MADE, decision)
    opened = slack.fake.wait_for("views.open")[0].args
    view = opened["view"]
    assert opened["trigger_id"] == "123.456.abc" and View(**view).to_dict() == view
    assert view["callback_id"] == DECIDED_VIEW
    assert json.loads(view["private_metadata"]) == {
        "decision_id": decision,
        "channel": DM,
        "ts": TS,
    }
    assert "which of the two solutions" in view["blocks"][0]["text"]["text"]

    assert submit(slack, view, "Going with the SEC change") == {}
    update = slack.fake.wait_for("chat.update")[0].args
    assert (update["channel"], update["ts"]) == (DM, TS)
    assert "Decision recorded: Going with the SEC change" in json.dumps(update["blocks"])
    assert all(b["type"] != "actions" for b in update["blocks"])
    closed = _decision(store, decision)
    assert (closed.resolution, closed.resolved_by, closed.resolved_on) == (
        "Going with the SEC change",
        PROPOSER,
        today(),
    )
    with store.sessions() as session:
        entry = session.scalars(select(StatusEntry).order_by(StatusEntry.id.desc())).first()
        assert entry is not None and entry.recorded_by == PROPOSER


def test_an_empty_answer_keeps_the_modal_open(
    slack: SlackDriver, store: Store, decision: int
) -> None:
    press(slack, MADE, decision)
    view = slack.fake.wait_for("views.open")[0].args["view"]
    answer = submit(slack, view, "   ")
    assert answer["response_action"] == "errors" and "note" in answer["errors"]
    assert _decision(store, decision).resolved_on is None


def test_snooze_a_week_then_until_a_picked_day(
    slack: SlackDriver, store: Store, decision: int
) -> None:
    press(slack, SNOOZE, decision)
    first = slack.fake.wait_for("chat.update")[0].args
    week = today() + timedelta(days=7)
    outcome = [b for b in first["blocks"] if b.get("block_id") == "secbot_nudge_outcome"]
    assert len(outcome) == 1 and "Snoozed" in outcome[0]["elements"][0]["text"]
    assert any(b["type"] == "actions" for b in first["blocks"])  # can still answer later
    with store.sessions() as session:
        follow_up = nudges.get_follow_up(session, decision_id=decision)
        assert follow_up is not None and follow_up.snoozed_until == week

    picked = today() + timedelta(days=30)
    snoozed = {**nudge_message(decision), "blocks": first["blocks"]}
    press(slack, SNOOZE_UNTIL, decision, message=snoozed, selected_date=picked.isoformat())
    second = slack.fake.wait_for("chat.update", count=2)[1].args
    outcome = [b for b in second["blocks"] if b.get("block_id") == "secbot_nudge_outcome"]
    assert len(outcome) == 1
    with store.sessions() as session:
        follow_up = nudges.get_follow_up(session, decision_id=decision)
        assert follow_up is not None and follow_up.snoozed_until == picked


def test_not_me_hands_the_decision_back(slack: SlackDriver, store: Store, decision: int) -> None:
    press(slack, NOT_ME, decision)
    view = slack.fake.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == NOT_ME_VIEW and view["blocks"][1]["optional"] is True
    assert submit(slack, view, "Jane Smith at the supplier owns this") == {}
    update = slack.fake.wait_for("chat.update")[0].args
    assert "Handed back to the SECAS administrators" in json.dumps(update["blocks"])
    with store.sessions() as session:
        follow_up = nudges.get_follow_up(session, decision_id=decision)
        assert follow_up is not None and follow_up.handed_back_by == PROPOSER
        assert follow_up.handed_back_note == "Jane Smith at the supplier owns this"
        linked = session.scalars(select(Contact).where(Contact.slack_user_id == PROPOSER))
        assert linked.all() == []


def test_someone_else_is_told_no_and_nothing_changes(
    slack: SlackDriver, store: Store, decision: int
) -> None:
    press(slack, SNOOZE, decision, user="U0ELSE")
    reply = slack.fake.wait_for("response_url")[0].args
    assert reply["response_type"] == "ephemeral" and "Only the person" in reply["text"]
    press(slack, MADE, decision, user="U0ELSE")
    assert len(slack.fake.wait_for("response_url", count=2)) == 2
    assert slack.fake.calls("views.open") == [] and slack.fake.calls("chat.update") == []
    with store.sessions() as session:
        assert nudges.get_follow_up(session, decision_id=decision) is None


def test_another_workspaces_decision_is_not_answered_here(
    slack: SlackDriver, store: Store, decision: int
) -> None:
    with transaction(store.sessions) as session:
        session.get(Decision, decision).workspace = "T0OTHER"  # added by its administrator
    press(slack, SNOOZE, decision)
    reply = slack.fake.wait_for("response_url")[0].args
    assert reply["response_type"] == "ephemeral" and "can't find decision" in reply["text"]
    press(slack, MADE, decision)
    assert "can't find decision" in slack.fake.wait_for("response_url", count=2)[1].args["text"]
    assert slack.fake.calls("views.open") == [] and slack.fake.calls("chat.update") == []
    with store.sessions() as session:
        assert nudges.get_follow_up(session, decision_id=decision) is None


def test_worker_dms_the_proposer_and_the_modal_closes_the_decision(
    slack: SlackDriver,
    store: Store,
    decision: int,
    fake_slack: FakeSlack,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("SECBOT_ADMIN_CHANNEL", "SECBOT_NUDGE_WEEKDAY", "SECBOT_NUDGE_HOUR"):
        monkeypatch.delenv(name, raising=False)
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'secbot.db'}",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_BASE_URL": fake_slack.base_url,
    }
    runner = CliRunner()
    worker = runner.invoke(cli, ["worker", "--once", "--at", "2021-09-27T10:00"], env=env)
    assert worker.exit_code == 0, worker.output
    (line,) = [x for x in worker.output.splitlines() if x.startswith("secbot.nudges")]
    assert line.startswith("secbot.nudges at Monday 27 September 2021, 10:00:")
    assert "nudged 1" in line
    assert fake_slack.calls("conversations.open")[0].args["users"] == PROPOSER
    (posted,) = fake_slack.messages(DM)
    (actions,) = [b for b in posted["blocks"] if b["type"] == "actions"]
    buttons = {e["text"]["text"]: e["value"] for e in actions["elements"] if e["type"] == "button"}
    assert buttons == {
        "Decision made": str(decision),
        "Snooze a week": str(decision),
        "Not me": str(decision),
    }

    payload_message = {**posted, "ts": TS}
    press(slack, MADE, decision, message=payload_message)
    view = fake_slack.wait_for("views.open")[0].args["view"]
    submit(slack, view, "The Proposer will progress the SEC change")
    fake_slack.wait_for("chat.update")

    before = runner.invoke(cli, ["ask", "--as-of", "2021-09-21", "pending"], env=env)
    assert before.exit_code == 0 and "MP107" in before.output
    after = runner.invoke(cli, ["ask", "pending"], env=env)
    assert after.exit_code == 0 and "MP107" not in after.output
    assert "SECMP0028" in after.output  # the others still wait
