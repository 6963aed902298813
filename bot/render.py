"""Render answers for a surface; text serves the console, `secbot ask` and fallbacks."""

from __future__ import annotations

from functools import cache

from bot.answers import freshness
from bot.templating import TEMPLATES, render
from bot.views import Answer


def template_kind(answer: Answer, surface: str) -> str:
    """The template for an answer: its own kind, or the generic message template."""
    return answer.kind if _has_template(surface, answer.kind) else "message"


@cache
def _has_template(surface: str, kind: str) -> bool:
    # The templates ship with the code: look each (surface, kind) up once, not per answer.
    suffix = "txt.j2" if surface == "text" else "json.j2"
    return (TEMPLATES / surface / f"{kind}.{suffix}").exists()


def render_text(answer: Answer) -> str:
    """Plain text for the console and the command line."""
    text = render("text", template_kind(answer, "text"), m=answer.model)
    said = freshness.text_of(answer)  # where the facts come from, and how old they are
    return f"{text}\n\n{said}" if said else text
