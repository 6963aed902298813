"""Sign requests exactly as Slack does, and build the bodies Slack sends.

Signature: ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}`` keyed with the signing secret,
sent as X-Slack-Signature with the timestamp in X-Slack-Request-Timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode


def signature(body: bytes | str, secret: str, timestamp: int | str) -> str:
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode() + b":" + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: bytes | str,
    secret: str,
    *,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    """Headers for a request body signed now (or at ``timestamp``, to test stale requests)."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(body, secret, ts),
    }


def slash_command_body(
    text: str,
    *,
    response_url: str,
    user_id: str = "U0USER",
    channel_id: str = "C0CHAN",
    team_id: str = "T0001",
    command: str = "/sec",
    trigger_id: str | None = None,
) -> str:
    """The form body of a slash command invocation; each gets its own trigger_id, as from Slack
    (pass one to replay an invocation)."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": "test",
            "channel_id": channel_id,
            "channel_name": "directmessage" if channel_id.startswith("D") else "sec-changes",
            "user_id": user_id,
            "user_name": "tester",
            "command": command,
            "text": text,
            "api_app_id": "A0001",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )


_TRIGGERS = itertools.count(1)


def new_trigger_id() -> str:
    """A trigger id in Slack's shape, unique in this process."""
    return f"{int(time.time())}.{next(_TRIGGERS)}.{time.monotonic_ns():x}"


def new_action_ts() -> str:
    """An action_ts as Slack gives each click: a distinct one per press."""
    return f"{time.time():.6f}{next(_TRIGGERS) % 1000:03d}"


def event_body(event: dict[str, Any], *, event_id: str = "Ev0001", team_id: str = "T0001") -> str:
    """The JSON body of an Events API delivery wrapping one event."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "A0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": team_id, "user_id": "UBOT", "is_bot": True, "enterprise_id": None}
            ],
        }
    )


def action_body(payload: dict[str, Any]) -> str:
    """The form body of an interactivity request (payload=<json>)."""
    return urlencode({"payload": json.dumps(payload)})
