"""Open decisions that wait on someone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers.lookup import find_modification
from bot.answers.shared import decision_view
from bot.views import Answer, DecisionsView, message

if TYPE_CHECKING:
    from bot.router import Context, Router


def pending(session: Session, args: str, ctx: Context) -> Answer:
    """Open decisions, oldest first, for everyone or for one modification."""
    from storage import queries

    modification = None
    title = "Decisions waiting on someone"
    if args.strip() and args.strip().lower() not in {"all", "everyone"}:
        found = find_modification(session, args, command="pending")
        if found.modification is None:
            assert found.failure is not None
            return found.failure
        modification = found.modification
        title = f"Decisions waiting on {modification.ref}"
    decisions = queries.list_open_decisions(session, as_of=ctx.as_of, modification=modification)
    if not decisions:
        return message("No decisions are waiting on anyone.", ok=True)
    views = [decision_view(d, as_of=ctx.as_of) for d in decisions]
    return Answer("pending", DecisionsView(title=title, decisions=views))


def register(router: Router) -> None:
    router.register(
        "pending",
        pending,
        usage="pending [all | <ref>]",
        description="open decisions, oldest first, with their age",
    )
