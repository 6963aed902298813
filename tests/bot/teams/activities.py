"""Activities shaped the way Teams posts them to a bot's messaging endpoint.

The shapes follow what Teams sends (ids, channelData with tenant and team, mention entities);
the ids are made up.
"""

from __future__ import annotations

import itertools
from typing import Any

BOT_ID = "28:11111111-2222-3333-4444-555555555555"
APP_ID = "11111111-2222-3333-4444-555555555555"
BOT_NAME = "secbot"
TENANT = "72f988bf-0000-0000-0000-000000000001"
USER_AAD = "00000000-aaaa-bbbb-cccc-000000000042"
USER_ID = "29:1a2b3c-user"
PERSONAL_CHAT = "a:1personal-chat-with-the-bot"
TEAM_CHANNEL = "19:general-channel-id@thread.tacv2"
TEAM_ID = "19:general-channel-id@thread.tacv2"

_ids = itertools.count(1)


def _base(service_url: str, conversation: dict[str, Any], **extra: Any) -> dict[str, Any]:
    activity_id = f"1700000000{next(_ids):03d}"
    return {
        "id": activity_id,
        "timestamp": "2019-04-02T08:59:00.000Z",
        "localTimestamp": "2019-04-02T09:59:00.000+01:00",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": USER_ID, "name": "Alex Analyst", "aadObjectId": USER_AAD},
        "conversation": conversation,
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "locale": "en-GB",
        **extra,
    }


def personal_conversation() -> dict[str, Any]:
    return {"conversationType": "personal", "tenantId": TENANT, "id": PERSONAL_CHAT}


def channel_conversation(thread: str | None = None) -> dict[str, Any]:
    conversation_id = TEAM_CHANNEL + (f";messageid={thread}" if thread else "")
    return {
        "isGroup": True,
        "conversationType": "channel",
        "tenantId": TENANT,
        "id": conversation_id,
    }


def team_channel_data() -> dict[str, Any]:
    return {
        "teamsChannelId": TEAM_CHANNEL,
        "teamsTeamId": TEAM_ID,
        "channel": {"id": TEAM_CHANNEL, "name": "General"},
        "team": {"id": TEAM_ID, "name": "SEC Change Team"},
        "tenant": {"id": TENANT},
    }


def message(text: str, service_url: str, *, value: dict[str, Any] | None = None) -> dict[str, Any]:
    """A message in the personal chat with the bot (or a card button press, with ``value``)."""
    extra: dict[str, Any] = {
        "type": "message",
        "text": text,
        "textFormat": "plain",
        "channelData": {"tenant": {"id": TENANT}},
    }
    if value is not None:
        extra["value"] = value
        extra.pop("text")
    return _base(service_url, personal_conversation(), **extra)


def channel_mention(
    text: str, service_url: str, *, thread: str = "1700000000999"
) -> dict[str, Any]:
    """``@secbot <text>`` typed in a team channel thread."""
    mention = f"<at>{BOT_NAME}</at>"
    return _base(
        service_url,
        channel_conversation(thread),
        type="message",
        text=f"{mention} {text}",
        textFormat="plain",
        entities=[
            {"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": BOT_NAME}},
            {"type": "clientInfo", "locale": "en-GB", "country": "GB", "platform": "Web"},
        ],
        channelData=team_channel_data(),
    )


def installation(action: str, service_url: str, *, scope: str = "team") -> dict[str, Any]:
    """installationUpdate: the app added to (or removed from) a team, or a personal chat."""
    if scope == "team":
        return _base(
            service_url,
            channel_conversation(),
            type="installationUpdate",
            action=action,
            channelData=team_channel_data(),
        )
    return _base(
        service_url,
        personal_conversation(),
        type="installationUpdate",
        action=action,
        channelData={"tenant": {"id": TENANT}},
    )


def bot_membership(service_url: str, *, added: bool) -> dict[str, Any]:
    """conversationUpdate in a personal chat: the bot joined (or left) the members."""
    members = {"membersAdded" if added else "membersRemoved": [{"id": BOT_ID}]}
    return _base(
        service_url,
        personal_conversation(),
        type="conversationUpdate",
        channelData={"tenant": {"id": TENANT}},
        **members,
    )
