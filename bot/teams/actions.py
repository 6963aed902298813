"""Adaptive Card buttons (Action.Submit): "ask" buttons and the nudge buttons on decisions.

Teams posts an Action.Submit as a message activity whose ``value`` is the button's ``data``:
``{"action": "ask", "text": "history MP159"}`` asks the router, and ``{"action": "decision_made"
| "snooze" | "not_me", "decision_id": n}`` answers a nudge. Nudges belong to bot/nudges.py (the
nudges issue); until that module exists the buttons only acknowledge.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from bot.router import Context
from bot.services import Services
from bot.views import Answer, message
from sec.timefmt import now
from storage.db import transaction

log = logging.getLogger(__name__)

NUDGE_ACTIONS = {"decision_made": "Decision made", "snooze": "Snooze", "not_me": "Not me"}
ASK = "ask"


@dataclass(frozen=True)
class CardAction:
    action: str
    decision_id: int | None = None
    text: str | None = None


def parse_card_action(value: Any) -> CardAction | None:
    """The button pressed, from an activity's ``value``; None when it is not one of ours."""
    if not isinstance(value, dict) or not isinstance(value.get("action"), str):
        return None
    raw_id = value.get("decision_id")
    try:
        decision_id = int(raw_id) if raw_id is not None else None
    except (TypeError, ValueError):
        decision_id = None
    text = value.get("text")
    return CardAction(value["action"], decision_id, text if isinstance(text, str) else None)


def handle_card_action(services: Services, action: CardAction, ctx: Context) -> Answer:
    """Answer a button press the way the person would have been answered typing it."""
    if action.action == ASK:
        return services.router.answer(action.text or "help", ctx)
    if action.action in NUDGE_ACTIONS:
        if action.decision_id is None:
            return message("That button does not say which decision it is about.", kind="usage")
        return record_nudge(services, action, ctx)
    return message(f"I don't know the button “{action.action}”.", "help", kind="usage")


def _nudges_module() -> ModuleType | None:
    if importlib.util.find_spec("bot.nudges") is None:
        return None
    return importlib.import_module("bot.nudges")


def record_nudge(services: Services, action: CardAction, ctx: Context) -> Answer:
    """Pass a nudge answer to bot/nudges.py when it is there; otherwise only acknowledge it."""
    assert action.decision_id is not None
    nudges = _nudges_module()
    handler = getattr(nudges, "handle_nudge_action", None) if nudges else None
    if callable(handler):
        with transaction(services.sessions) as session:
            answer: Answer = handler(
                session, decision_id=action.decision_id, action=action.action,
                actor=ctx.user, at=now(),
            )  # fmt: skip
            return answer
    log.warning(
        "nudge button %s on decision %s pressed, but bot.nudges.handle_nudge_action is not "
        "available: nothing stored",
        action.action,
        action.decision_id,
    )
    label = NUDGE_ACTIONS[action.action]
    return message(f"Recorded: “{label}” for decision {action.decision_id}.", ok=True)
