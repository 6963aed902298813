"""Message payloads stored in the outbox: text, Block Kit blocks and metadata, rendered once.

Rendering happens when a row is enqueued, so what a retry sends is what the first try sent,
and a template change never alters a message already queued.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from jobs.context import Renderer
from sec.markup import escape_mrkdwn

EVENT_TYPE = "sec_reminder"
SUPPORTED_SURFACES = ("slack", "teams")


def metadata(key: str) -> dict[str, Any]:
    """What lets a restarted worker recognise its own message in conversations.history."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def build_payload(
    render: Renderer,
    *,
    template: str,
    surface: str,
    key: str,
    due_at: datetime,
    context: Mapping[str, Any],
) -> dict[str, Any]:
    """The stored payload of one message kind ("reminder", "digest") for a surface."""
    if surface not in SUPPORTED_SURFACES:
        raise ValueError(f"no reminder templates for surface {surface!r}")
    if surface == "teams":
        # Imported here: the Teams SDK is only loaded where Teams rows are queued.
        from jobs.senders.teams import teams_payload

        teams = teams_payload(
            render, template=template, key=key, due_at=due_at, context=dict(context)
        )
        return {**teams, "metadata": metadata(key)}
    # Slack reads a message's text as mrkdwn: stored titles must not ping or link.
    text = escape_mrkdwn(render("text", template, r=context))
    blocks = json.loads(render("slack", template, r=context))
    late_note = render("text", "late_note", due_at=due_at)
    return {"text": text, "blocks": blocks, "metadata": metadata(key), "late_note": late_note}


def late_version(payload: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """Text and blocks with the late note added (sent after the catch-up grace)."""
    note = str(payload.get("late_note") or "Sent late.")
    blocks = [*payload.get("blocks", []), _context_block(note)]
    return f"{payload.get('text', '')}\n\n{note}", blocks


def _context_block(text: str) -> dict[str, Any]:
    # The note is our own words and a date: plain_text needs no escaping.
    return {"type": "context", "elements": [{"type": "plain_text", "text": text[:2000]}]}
