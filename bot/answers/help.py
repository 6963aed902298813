"""How to ask secbot things."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.views import Answer, HelpView

if TYPE_CHECKING:
    from bot.router import Context, Router

# Commands that only exist to serve questions are not listed.
_HIDDEN = {"in-release", "help"}


def make_help(router: Router) -> object:
    def help_answer(session: Session, args: str, ctx: Context) -> Answer:
        """The commands this person may use, with examples."""
        commands = [
            (r.usage, r.description) for r in router.commands(admin=False) if r.name not in _HIDDEN
        ]
        admin = [(r.usage, r.description) for r in router.commands(admin=True)]
        return Answer("help", HelpView(commands, admin if ctx.is_admin else []))

    return help_answer


def register(router: Router) -> None:
    router.register(
        "help",
        make_help(router),  # type: ignore[arg-type]
        usage="help",
        description="what secbot understands",
    )
