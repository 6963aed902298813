"""Buttons. "secbot_cmd_*" buttons carry a command in their value ("history MP159") and answer it
for the person who pressed: ephemerally under the message, or in a modal where there is no
message to answer under (App Home). Link buttons ("secbot_link_*") only need acknowledging.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.blocks import message_payload, modal_view
from bot.slack.chat import apologise, ask, context_for, workspace_of

if TYPE_CHECKING:
    from bot.services import Services

COMMAND_ACTIONS = re.compile(r"^secbot_cmd_")
LINK_ACTIONS = re.compile(r"^secbot_link_")


def command_of(action: dict[str, Any]) -> str:
    """The command a button carries; templates escape it like any text sent to Slack."""
    value = str(action.get("value") or "")
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _where(body: dict[str, Any]) -> str | None:
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    return channel.get("id") or container.get("channel_id")


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def run_command(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        has_message = bool(body.get("response_url"))
        try:
            user = (body.get("user") or {}).get("id")
            ctx = context_for(
                services, user=user, channel=_where(body), workspace=workspace_of(context)
            )
            answer = ask(services, command_of(action), ctx).answer
            if has_message:
                respond(
                    **message_payload(answer), response_type="ephemeral", replace_original=False
                )
            elif (body.get("view") or {}).get("type") == "modal":  # a button inside our modal
                client.views_push(trigger_id=body["trigger_id"], view=modal_view(answer))
            else:  # App Home
                client.views_open(trigger_id=body["trigger_id"], view=modal_view(answer))
        except Exception:
            if has_message:
                apologise(respond, "a button", response_type="ephemeral", replace_original=False)
            else:
                apologise(lambda **_: None, "a button in a view")

    app.action(COMMAND_ACTIONS)(ack=acknowledge, lazy=[run_command])
    app.action(LINK_ACTIONS)(acknowledge)
