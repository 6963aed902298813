"""Adaptive Card buttons (Action.Submit): "ask" buttons and the nudge buttons on decisions.

Teams posts an Action.Submit as a message activity whose ``value`` is the button's ``data``:
``{"action": "ask", "text": "history MP159"}`` asks the router, and ``{"action": "decision_made"
| "snooze" | "not_me", "decision_id": n}`` answers a nudge through bot.nudges.handle_nudge_action,
the code Slack's nudge buttons use. The nudge card's inputs arrive in the same data: ``note``
(what was decided, or why it is not them) and ``until`` (the snooze's last day, YYYY-MM-DD).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.context import Context
from bot.nudges import ACTIONS as NUDGE_ACTIONS
from bot.nudges import handle_nudge_action
from bot.services import Services
from bot.views import Answer, message
from sec.timefmt import now
from storage.db import transaction

log = logging.getLogger(__name__)

ASK = "ask"


@dataclass(frozen=True)
class CardAction:
    action: str
    decision_id: int | None = None
    text: str | None = None
    note: str | None = None
    until: str | None = None


def parse_card_action(value: Any) -> CardAction | None:
    """The button pressed, from an activity's ``value``; None when it is not one of ours."""
    if not isinstance(value, dict) or not isinstance(value.get("action"), str):
        return None
    raw_id = value.get("decision_id")
    try:
        decision_id = int(raw_id) if raw_id is not None else None
    except (TypeError, ValueError):
        decision_id = None
    text, note, until = (value.get(k) for k in ("text", "note", "until"))
    return CardAction(
        value["action"],
        decision_id,
        text if isinstance(text, str) else None,
        note if isinstance(note, str) else None,
        until if isinstance(until, str) and until else None,
    )


def handle_card_action(services: Services, action: CardAction, ctx: Context) -> Answer:
    """Answer a button press the way the person would have been answered typing it."""
    if action.action == ASK:
        return services.router.handle(action.text or "help", ctx).answer
    if action.action in NUDGE_ACTIONS:
        if action.decision_id is None:
            return message("That button does not say which decision it is about.", kind="usage")
        return record_nudge(services, action, ctx)
    return message(f"I don't know the button “{action.action}”.", "help", kind="usage")


def _day(text: str | None) -> date | None:
    """The snooze date Input.Date sends (YYYY-MM-DD); None when empty or unreadable."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def record_nudge(services: Services, action: CardAction, ctx: Context) -> Answer:
    """Answer a nudge button with bot.nudges, the same code Slack's buttons use."""
    assert action.decision_id is not None
    if action.action == "snooze" and action.until and _day(action.until) is None:
        return message(f"“{action.until}” is not a date I can snooze until.", kind="usage")
    with transaction(services.sessions) as session:
        return handle_nudge_action(
            session,
            decision_id=action.decision_id,
            action=action.action,
            actor=ctx.user,
            at=now(),
            note=action.note,
            until=_day(action.until),
            is_admin=ctx.is_admin,
        )
