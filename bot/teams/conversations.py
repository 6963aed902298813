"""Conversation references: stored on install (and refreshed on every message), marked on removal.

Teams sends ``installationUpdate`` (add / remove) when the app is installed in a personal chat, a
team or a group chat, and ``conversationUpdate`` when the bot joins or leaves a conversation's
members. Both may arrive for one install; storing is idempotent, so either is enough. In
development mode (no token checked) a serviceUrl that is not on this machine is never stored, so
no later message can carry the bot's token there.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from microsoft_teams.api import ActivityBase, ConversationUpdateActivity
from microsoft_teams.api.activities.install_update import InstallUpdateActivity
from microsoft_teams.apps import ActivityContext, App

from bot.services import Services
from bot.teams.adapter import is_loopback_url
from sec.timefmt import now
from storage import teams_store
from storage.db import transaction
from storage.teams_store import ConversationRef

log = logging.getLogger(__name__)

_THREAD_SUFFIX = ";messageid="
_KNOWN_TYPES = {"personal", "channel", "groupChat"}


def base_conversation_id(conversation_id: str) -> str:
    """A channel's id without the thread part ("19:x@thread.tacv2;messageid=1" -> "19:x@...")."""
    return conversation_id.split(_THREAD_SUFFIX, 1)[0]


def reference_of(activity: ActivityBase) -> ConversationRef:
    """What to keep about an activity's conversation to post into it later."""
    conversation = activity.conversation
    kind = conversation.conversation_type or "personal"
    data = activity.channel_data
    tenant = conversation.tenant_id or (data.tenant.id if data and data.tenant else None)
    team_name = data.team.name if data and data.team else None
    channel_name = data.channel.name if data and data.channel else None
    name = conversation.name or " / ".join(n for n in (team_name, channel_name) if n) or None
    return ConversationRef(
        conversation_id=base_conversation_id(conversation.id),
        service_url=activity.service_url or "",
        conversation_type=kind if kind in _KNOWN_TYPES else "groupChat",
        tenant_id=tenant,
        bot_id=activity.recipient.id if activity.recipient else None,
        user_aad_id=activity.from_.aad_object_id if kind == "personal" else None,
        name=name,
    )


def remember(services: Services, activity: ActivityBase) -> None:
    """Store or refresh the activity's conversation (Teams may move a conversation's URL)."""
    ref = reference_of(activity)
    if not ref.service_url:
        log.warning("Teams activity without serviceUrl in %s; not stored", ref.conversation_id)
        return
    if services.settings.teams.allow_unauthenticated and not is_loopback_url(ref.service_url):
        log.warning("development mode: a serviceUrl that is not local was not stored")
        return
    with transaction(services.sessions) as session:
        teams_store.save_conversation(session, ref=ref, at=now())


def forget(services: Services, activity: ActivityBase) -> None:
    """Mark the activity's conversation as no longer having the bot."""
    conversation_id = base_conversation_id(activity.conversation.id)
    with transaction(services.sessions) as session:
        if not teams_store.mark_removed(session, conversation_id=conversation_id, at=now()):
            log.info("Teams removal for unknown conversation %s", conversation_id)


def _bot_among(members: list[Any] | None, bot_id: str | None) -> bool:
    return bool(bot_id) and any(getattr(m, "id", None) == bot_id for m in members or [])


def register(app: App, services: Services) -> None:
    """Install and removal handlers, on the app passed in."""

    async def on_installation_update(ctx: ActivityContext[InstallUpdateActivity]) -> None:
        activity = ctx.activity
        if activity.action == "remove":
            await asyncio.to_thread(forget, services, activity)
        else:  # add, upgrade
            await asyncio.to_thread(remember, services, activity)

    async def on_conversation_update(ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        activity = ctx.activity
        bot_id = activity.recipient.id
        event = activity.channel_data.event_type if activity.channel_data else None
        if _bot_among(activity.members_removed, bot_id) or event == "teamDeleted":
            await asyncio.to_thread(forget, services, activity)
        elif _bot_among(activity.members_added, bot_id):
            await asyncio.to_thread(remember, services, activity)

    app.on_installation_update(on_installation_update)
    app.on_conversation_update(on_conversation_update)
