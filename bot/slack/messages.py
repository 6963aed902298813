"""Direct messages and @mentions, answered like /sec.

A mention is answered in its thread (a new thread on the mentioning message); a direct message
is answered in the conversation (in its thread if it was in one). Bolt already drops our own
messages; edits, joins and other message subtypes are acknowledged and ignored.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.chat import apologise, context_for, reply, workspace_of

if TYPE_CHECKING:
    from bot.services import Services

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def without_mentions(text: str, bot_user_id: str | None) -> str:
    """The question with the bot's mention (or, unknown bot id, a leading mention) removed."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    else:
        text = _MENTION.sub(" ", text, count=1)
    return " ".join(text.split())


def _is_person_in_dm(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def answer_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        channel, thread = event["channel"], event.get("thread_ts") or event["ts"]
        try:
            text = without_mentions(str(event.get("text") or ""), context.bot_user_id)
            ctx = context_for(
                services,
                user=event.get("user"),
                channel=channel,
                workspace=workspace_of(context),
                is_direct=False,
                thread_ts=event.get("thread_ts"),  # asked inside a thread (subscribe there)
            )
            payload, _ = reply(services, text, ctx)
            client.chat_postMessage(channel=channel, thread_ts=thread, **payload)
        except Exception:
            apologise(client.chat_postMessage, "an @mention", channel=channel, thread_ts=thread)

    def answer_direct_message(
        event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        if not _is_person_in_dm(event):
            return
        channel, thread = event["channel"], event.get("thread_ts")
        try:
            ctx = context_for(
                services,
                user=event["user"],
                channel=channel,
                workspace=workspace_of(context),
                is_direct=True,
            )
            payload, _ = reply(services, str(event.get("text") or ""), ctx)
            client.chat_postMessage(channel=channel, thread_ts=thread, **payload)
        except Exception:
            apologise(
                client.chat_postMessage, "a direct message", channel=channel, thread_ts=thread
            )

    app.event("app_mention")(ack=acknowledge, lazy=[answer_mention])
    app.event("message")(ack=acknowledge, lazy=[answer_direct_message])
