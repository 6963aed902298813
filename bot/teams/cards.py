"""Answers as Adaptive Cards (templates/teams/<kind>.json.j2), each with a plain-text fallback.

The text fallback is the same text the console prints: it goes in the card's ``fallbackText``
(clients that cannot draw the card show it) and, should a template ever fail, it is sent as a
plain message instead of the card, so a person always gets an answer.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from microsoft_teams.api.activities.message import MessageActivityInput
from microsoft_teams.api.models.attachment.attachment import Attachment

from bot.answers import freshness
from bot.render import render_text
from bot.templating import TEMPLATES, render
from bot.views import Answer, MessageView

log = logging.getLogger(__name__)

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
# Teams shows the summary in notifications and the chat list; keep it to one short line.
SUMMARY_LIMIT = 200


def has_template(kind: str) -> bool:
    return (TEMPLATES / "teams" / f"{kind}.json.j2").exists()


def card_for(answer: Answer, *, fallback_text: str | None = None) -> dict[str, Any]:
    """The Adaptive Card for an answer; kinds without a Teams template show their text."""
    text = render_text(answer) if fallback_text is None else fallback_text
    if has_template(answer.kind):
        card = _render(answer.kind, answer.model)
        card.setdefault("body", []).extend(freshness.teams_items(answer))
    elif isinstance(answer.model, MessageView):
        card = _render("message", answer.model)
        card.setdefault("body", []).extend(freshness.teams_items(answer))
    else:
        # A kind this surface has no card for yet (e.g. a new answer): its text, in a card.
        card = _render("message", MessageView(text=text))
    card["fallbackText"] = text
    return card


def _render(kind: str, model: object) -> dict[str, Any]:
    card: dict[str, Any] = json.loads(render("teams", kind, m=model))
    return card


def summary_of(text: str) -> str:
    """The first line of the text, cut to a notification's length."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= SUMMARY_LIMIT else first[: SUMMARY_LIMIT - 1].rstrip() + "…"


def card_activity(card: dict[str, Any], *, summary: str) -> MessageActivityInput:
    """A message activity carrying one Adaptive Card."""
    attachment = Attachment(content_type=ADAPTIVE_CARD, content=card)
    return MessageActivityInput(summary=summary).add_attachments(attachment)


def text_activity(text: str) -> MessageActivityInput:
    """A plain-text message (no markdown, so stored text cannot format or link)."""
    return MessageActivityInput(text=text, text_format="plain")


def answer_activity(answer: Answer) -> MessageActivityInput:
    """The reply for an answer: its card, or its text if the card cannot be built."""
    try:
        text = render_text(answer)
    except Exception:
        log.exception("text for %s failed", answer.kind)
        return text_activity("Sorry, I could not show that answer here. It has been logged.")
    try:
        card = card_for(answer, fallback_text=text)
    except Exception:  # a broken template must not leave the person without an answer
        log.exception("Teams card for %s failed; sending text", answer.kind)
        return text_activity(text)
    return card_activity(card, summary=summary_of(text))
