"""/sec: acknowledged at once, answered lazily through the response_url.

Slack wants a slash command acknowledged within 3 seconds; the acknowledgement is empty and the
answer follows from a lazy listener (Bolt runs it in a thread after the ack). Answers are
ephemeral unless the command ends with "public".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond

from bot.slack.chat import apologise, context_for, reply, workspace_of

if TYPE_CHECKING:
    from bot.services import Services

COMMAND = "/sec"


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def answer(body: dict[str, Any], respond: Respond) -> None:
        try:
            ctx = context_for(
                services,
                user=body.get("user_id"),
                channel=body.get("channel_id"),
                workspace=workspace_of(body),
            )
            payload, public = reply(services, str(body.get("text") or ""), ctx)
            respond(**payload, response_type="in_channel" if public else "ephemeral")
        except Exception:
            apologise(respond, "the /sec command", response_type="ephemeral")

    app.command(COMMAND)(ack=acknowledge, lazy=[answer])
