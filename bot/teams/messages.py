"""Messages to the bot: a personal chat, or an @mention in a channel, run the shared router."""

from __future__ import annotations

import asyncio
import html
import logging
import re

from microsoft_teams.api.activities.message import MessageActivity, MessageActivityInput
from microsoft_teams.api.activities.utils import StripMentionsTextOptions, strip_mentions_text
from microsoft_teams.apps import ActivityContext, App

from bot.context import Context, make_context
from bot.services import Services
from bot.teams.actions import handle_card_action, parse_card_action
from bot.teams.cards import answer_activity
from bot.teams.conversations import base_conversation_id, remember

log = logging.getLogger(__name__)

_AT_TAG = re.compile(r"</?at>", re.IGNORECASE)


def command_text(activity: MessageActivity) -> str:
    """The words typed, without the @mention of the bot (other people's names stay as text)."""
    options = StripMentionsTextOptions(account_id=activity.recipient.id)
    text = strip_mentions_text(activity, options) or ""
    return html.unescape(_AT_TAG.sub("", text)).strip()


def teams_context(activity: MessageActivity, services: Services) -> Context:
    """Who asks and where: the person's Entra id, the conversation (not the thread), and the
    tenant (the Teams counterpart of a Slack workspace)."""
    kind = activity.conversation.conversation_type or "personal"
    return make_context(
        services,
        surface="teams",
        user=activity.from_.aad_object_id or activity.from_.id,
        channel=base_conversation_id(activity.conversation.id),
        workspace=activity.conversation.tenant_id or None,
        is_direct=kind == "personal",
    )


def addressed_to_bot(activity: MessageActivity) -> bool:
    """A personal chat always is; elsewhere only an @mention or a press on one of our cards
    (with channel-message permissions Teams would send every message in the channel)."""
    personal = (activity.conversation.conversation_type or "personal") == "personal"
    return personal or activity.value is not None or activity.is_recipient_mentioned()


def reply_for(services: Services, activity: MessageActivity) -> MessageActivityInput | None:
    """The reply to one message or button press (blocking: database and router)."""
    if not addressed_to_bot(activity):
        return None
    try:
        remember(services, activity)
    except Exception:  # the answer matters more than refreshing the reference
        log.exception("could not store Teams conversation %s", activity.conversation.id)
    context = teams_context(activity, services)
    action = parse_card_action(activity.value)
    if action is not None:
        answer = handle_card_action(services, action, context)
    else:
        answer = services.router.handle(command_text(activity), context).answer
    return answer_activity(answer)


def register(app: App, services: Services) -> None:
    """The message handler, on the app passed in."""

    async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
        reply = await asyncio.to_thread(reply_for, services, ctx.activity)
        if reply is not None:
            await ctx.send(reply)

    app.on_message(on_message)
