"""Questions in people's own words, read by bot.understanding (the readers are registered by
the feature modules that answer them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.views import Answer

if TYPE_CHECKING:
    from bot.router import Context, Router


def register(router: Router) -> None:
    def question(session: Session, args: str, ctx: Context) -> Answer:
        from bot.understanding import answer_question

        return answer_question(router, session, args, ctx)

    router.register(
        "question",
        question,
        usage="<any question>",
        description="ask in your own words, e.g. “which mods impact DCC systems in Nov 2022”",
    )
