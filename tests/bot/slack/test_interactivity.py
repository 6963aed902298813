"""Buttons: command buttons answer for the person who pressed; link buttons are acknowledged."""

from __future__ import annotations

from slack_sdk.models.views import View

from tests.bot.slack.conftest import SlackDriver
from tests.fakes.signing import new_action_ts


def _press(slack: SlackDriver, value: str, **where: object) -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": "U0PRESS", "username": "presser", "team_id": "T0001"},
        "api_app_id": "A0001",
        "team": {"id": "T0001", "domain": "test"},
        "trigger_id": "123.456.abc",
        "actions": [
            {
                "type": "button",
                "action_id": "secbot_cmd_history",
                "block_id": "b1",
                "value": value,
                "action_ts": new_action_ts(),
            }
        ],
        **where,
    }
    assert slack.action(payload).status_code == 200


def test_history_button_answers_ephemerally_under_the_message(slack: SlackDriver) -> None:
    _press(
        slack,
        "history MP159",
        response_url=slack.fake.response_url("action"),
        channel={"id": "C0CHAN"},
        container={"type": "message", "channel_id": "C0CHAN"},
    )
    answer = slack.fake.wait_for("response_url")[0].args
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert answer["blocks"][0]["text"]["text"] == "History of MP159"


def test_button_value_is_unescaped_before_it_runs(slack: SlackDriver) -> None:
    _press(
        slack,
        "search credit &amp; cover",
        response_url=slack.fake.response_url("action"),
        channel={"id": "C0CHAN"},
    )
    answer = slack.fake.wait_for("response_url")[0].args
    assert "Credit Cover Review" in answer["text"]


def test_button_in_app_home_opens_a_modal(slack: SlackDriver) -> None:
    _press(
        slack,
        "releases",
        view={"type": "home", "id": "VHOME"},
        container={"type": "view", "view_id": "VHOME"},
    )
    call = slack.fake.wait_for("views.open")[0]
    assert call.args["trigger_id"] == "123.456.abc"
    view = call.args["view"]
    assert View(**view).to_dict() == view
    assert view["blocks"][0]["text"]["text"] == "SEC Releases"


def test_button_in_our_modal_pushes_another(slack: SlackDriver) -> None:
    _press(
        slack,
        "status MP159",
        view={"type": "modal", "id": "VMODAL"},
        container={"type": "view", "view_id": "VMODAL"},
    )
    assert "Credit Cover Review" in str(slack.fake.wait_for("views.push")[0].args["view"])


def test_link_buttons_are_acknowledged(slack: SlackDriver) -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": "U0PRESS"},
        "team": {"id": "T0001"},
        "api_app_id": "A0001",
        "trigger_id": "1.2.3",
        "actions": [
            {
                "type": "button",
                "action_id": "secbot_link_web",
                "block_id": "b",
                "url": "https://smartenergycodecompany.co.uk/",
                "action_ts": "1",
            }
        ],
    }
    assert slack.action(payload).status_code == 200
