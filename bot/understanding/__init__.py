"""The understanding layer: free text -> a structured intent with a confidence.

`answer_question` analyses the text once (references, bare numbers, periods, SEC versions,
fuzzy title matches, list filters), asks every question reader the feature modules registered
on the router, and answers with the surest reading when it is sure enough. Otherwise it says it
did not understand and offers the closest readings; it never answers another question.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers import freshness
from bot.understanding.question import Question, analyse
from bot.understanding.readers import Reading
from bot.views import Answer, message

if TYPE_CHECKING:
    from bot.context import Context
    from bot.router import Router

THRESHOLD = 0.6  # below it: "I didn't understand", with the closest readings
MAX_QUESTION = 500
_GREETING = re.compile(r"^(?:help|hi|hello|hey|what can you do)\b", re.IGNORECASE)


def read_question(router: Router, session: Session, text: str) -> tuple[Question, list[Reading]]:
    """Every registered reader's offer for the text, surest first."""
    question = analyse(session, text)
    readings: list[Reading] = []
    for _name, reader in getattr(router, "questions", []):
        reading = reader(question)
        if reading is not None and reading.command in router.routes:
            readings.append(reading)
    readings.sort(key=lambda r: -r.confidence)
    return question, readings


def answer_question(router: Router, session: Session, text: str, ctx: Context) -> Answer:
    text = " ".join(text.split())
    show_all = "--all" in text.split()
    text = " ".join(w for w in text.split() if w != "--all")
    if len(text) > MAX_QUESTION:
        return message(
            f"That question is too long ({len(text)} characters; at most {MAX_QUESTION}).",
            kind="usage",
        )
    if _GREETING.match(text) and "help" in router.routes:
        return router.routes["help"].handler(session, "", ctx)
    question, readings = read_question(router, session, text)
    if not readings or readings[0].confidence < THRESHOLD:
        return not_understood(text, readings)
    best = readings[0]
    asked = ctx
    if best.as_of_end and question.period is not None:
        ctx = replace(ctx, as_of=min(ctx.as_of, question.period.end))
    args = f"{best.args} --all" if show_all and best.command == "list" else best.args
    answer = router.routes[best.command].handler(session, args, ctx)
    answer.meta.setdefault("understood_as", best.line)
    if ctx.as_of != asked.as_of:
        # The sources line too is as of the question's day, never a later paper's.
        answer = freshness.complete(session, answer, today=ctx.as_of)
    return answer


def not_understood(text: str, readings: list[Reading]) -> Answer:
    lines = list(dict.fromkeys(r.line for r in readings if r.confidence >= 0.3))[:3]
    shown = text if len(text) <= 80 else text[:77] + "…"
    return message(
        f"Sorry, I didn't understand “{shown}”."
        + (" Did you mean one of these?" if lines else " Try `help` for what I can answer."),
        *(lines or ["help", "list on-hold", "status MP159"]),
        kind="not_understood",
    )


def register_readers(router: Router, *pairs: tuple[str, object]) -> None:
    """Register question readers when the router offers the hook (bot/router.py)."""
    hook = getattr(router, "register_question", None)
    if callable(hook):
        for name, reader in pairs:
            hook(name, reader)
