"""Message payloads stored in the outbox, rendered once: each surface's builder lives beside its
sender (``jobs.senders.slack.slack_payload``, ``jobs.senders.teams.teams_payload``).

Rendering happens when a row is enqueued, so what a retry sends is what the first try sent,
and a template change never alters a message already queued.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from jobs.context import Renderer
from jobs.senders.slack import EVENT_TYPE, late_version, metadata, slack_payload

__all__ = ["EVENT_TYPE", "SUPPORTED_SURFACES", "build_payload", "late_version", "metadata"]

SUPPORTED_SURFACES = ("slack", "teams")


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
    return slack_payload(render, template=template, key=key, due_at=due_at, context=context)
