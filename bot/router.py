"""One command router for every surface: Slack, Teams, the console and `secbot ask`.

Each feature module exposes ``register(router)``; ``build_router()`` wires them in one place.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from bot.commands import Command, parse_command
from bot.views import Answer, message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """Who asks, where, and the day the answer is as of (what was known then, what was next)."""

    as_of: date
    user: str | None = None
    channel: str | None = None
    surface: str = "console"  # console | slack | teams
    is_admin: bool = False
    is_direct: bool = False  # a DM with the bot, or the console


Handler = Callable[[Session, str, Context], Answer]


@dataclass(frozen=True)
class Route:
    name: str
    handler: Handler
    usage: str
    description: str
    admin: bool = False


@dataclass
class Router:
    """Maps command names to handlers and answers text."""

    sessions: sessionmaker[Session]
    routes: dict[str, Route] = field(default_factory=dict)

    def register(
        self, name: str, handler: Handler, *, usage: str, description: str, admin: bool = False
    ) -> None:
        self.routes[name] = Route(name, handler, usage, description, admin)

    def answer(self, text: str, ctx: Context) -> Answer:
        """Answer one chat command or question; never raises for bad input."""
        command = parse_command(text, known=set(self.routes))
        return self.dispatch(command, ctx)

    def dispatch(self, command: Command, ctx: Context) -> Answer:
        route = self.routes.get(command.name)
        if route is None:
            return message(f"I don't know the command “{command.name}”.", "help", "status MP159")
        if route.admin and not ctx.is_admin:
            return message(
                "Sorry, only secbot administrators can do that. Ask a SECAS analyst.",
                kind="refusal",
            )
        try:
            with self.sessions() as session, session.begin():
                return route.handler(session, command.args, ctx)
        except Exception:
            log.exception("command %s failed", command.name)
            return message(
                "Sorry, something went wrong answering that. It has been logged; please try "
                "again in a moment.",
                kind="error",
            )

    def commands(self, *, admin: bool) -> list[Route]:
        """The routes a person may use, for help."""
        return [r for r in self.routes.values() if r.admin == admin]


def build_router(sessions: sessionmaker[Session]) -> Router:
    """The router with every feature registered: each module of bot.answers with register()."""
    import bot.answers

    router = Router(sessions=sessions)
    for info in sorted(pkgutil.iter_modules(bot.answers.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bot.answers.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(router)
    return router
