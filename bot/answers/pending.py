"""Open decisions that wait on someone: everyone's, yours (``mine``), or one modification's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers import tables
from bot.answers.lookup import find_modification
from bot.answers.shared import decision_view
from bot.views import Answer, DecisionsView, message
from storage.calendar_store import get_working_calendar
from storage.models import Decision
from storage.tenancy_models import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from bot.router import Context, Router

MINE = {"mine", "me", "my", "you"}  # "pending mine", and "waiting on me"


def _mine(session: Session, ctx: Context) -> list[Decision] | Answer:
    from storage import nudges

    if ctx.user is None or ctx.surface == "console":
        return message(
            "`pending mine` lists the decisions waiting on you as a Proposer; ask me "
            "in Slack or Teams so I know who you are.",
            "pending",
            kind="usage",
        )
    return nudges.list_decisions_for_person(session, user_id=ctx.user, as_of=ctx.as_of)


def pending(session: Session, args: str, ctx: Context) -> Answer:
    """Open decisions, oldest first: everyone's, yours, or one modification's."""
    from storage import queries

    args, page = tables.split_page(args)  # "pending page 2": the table pages
    words = args.strip().lower()
    title = "Decisions waiting on someone"
    if words in MINE:
        found = _mine(session, ctx)
        if isinstance(found, Answer):
            return found
        decisions, title = found, "Decisions waiting on you"
        none = "No decisions are waiting on you."
    elif words and words not in {"all", "everyone", "decisions", "decision", "items", "open"}:
        lookup = find_modification(session, args, command="pending")
        if lookup.modification is None:
            assert lookup.failure is not None
            return lookup.failure
        title = f"Decisions waiting on {lookup.modification.ref}"
        decisions = queries.list_open_decisions(
            session,
            as_of=ctx.as_of,
            modification=lookup.modification,
            workspace=ctx.workspace or DEFAULT_WORKSPACE,
        )
        none = f"No decisions on {lookup.modification.ref} are waiting on anyone."
    else:
        decisions = queries.list_open_decisions(
            session, as_of=ctx.as_of, workspace=ctx.workspace or DEFAULT_WORKSPACE
        )
        none = "No decisions are waiting on anyone."
    if not decisions:
        return message(none, ok=True)
    calendar = get_working_calendar(session)
    views = [decision_view(d, as_of=ctx.as_of, calendar=calendar) for d in decisions]
    shown = tables.page_of(len(views), page, f"pending {args.strip()}".strip())
    return Answer("pending", DecisionsView(title=title, decisions=views, page=shown))


def register(router: Router) -> None:
    from bot.understanding import register_readers
    from bot.understanding.readers import pending_reader

    register_readers(router, ("pending", pending_reader))
    router.register(
        "pending",
        pending,
        usage="pending [all | mine | <ref>]",
        description="open decisions, oldest first, with their age in Working Days",
    )
