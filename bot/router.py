"""One command router for every surface: Slack, Teams, the console and `secbot ask`.

Each feature module exposes ``register(router)``; ``build_router()`` wires them in one place.
``Router.handle`` parses a line (``Router.parse``, the one place text becomes a Command) and
answers it, returning both so a surface can honour how it was asked (e.g. "public").
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from bot.answer_cache import AnswerCache
from bot.answers import freshness
from bot.commands import Command, parse_command
from bot.context import Context
from bot.views import Answer, message

__all__ = ["Context", "Handler", "Reply", "Route", "Router", "build_router"]

log = logging.getLogger(__name__)


Handler = Callable[[Session, str, Context], Answer]


@dataclass(frozen=True)
class Route:
    name: str
    handler: Handler
    usage: str
    description: str
    admin: bool = False


@dataclass(frozen=True)
class Reply:
    """The command a line was read as, and its answer."""

    command: Command
    answer: Answer

    @property
    def public(self) -> bool:
        """The person asked for the answer to be posted to the channel."""
        return self.command.public


@dataclass
class Router:
    """Maps command names to handlers and answers text."""

    sessions: sessionmaker[Session]
    routes: dict[str, Route] = field(default_factory=dict)
    # Free-question readers, registered by the feature modules beside their commands
    # (bot.understanding asks each for a reading of a question and picks the surest).
    questions: list[tuple[str, Callable[..., object]]] = field(default_factory=list)
    # Shared answers kept by store revision (bot.answer_cache); None answers every time.
    cache: AnswerCache | None = None

    def register_question(self, name: str, reader: Callable[..., object]) -> None:
        self.questions.append((name, reader))

    def register(
        self, name: str, handler: Handler, *, usage: str, description: str, admin: bool = False
    ) -> None:
        self.routes[name] = Route(name, handler, usage, description, admin)

    def parse(self, text: str) -> Command:
        """The command a line of chat asks for, among the registered routes."""
        return parse_command(text, known=set(self.routes))

    def handle(self, text: str, ctx: Context) -> Reply:
        """Read and answer one chat command or question; never raises for bad input."""
        if self.cache is None:
            command = self.parse(text)
            return Reply(command, self.dispatch(command, ctx))
        command = self.cache.parse(text, self.parse)
        return self.cache.reply(
            text, command, ctx, lambda: Reply(command, self.dispatch(command, ctx))
        )

    def answer(self, text: str, ctx: Context) -> Answer:
        """Shorthand for ``handle(text, ctx).answer`` where how it was asked does not matter."""
        return self.handle(text, ctx).answer

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
                answer = route.handler(session, command.args, ctx)
                # Every answer of facts says where they come from and how old they are.
                return freshness.complete(session, answer, today=ctx.as_of)
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

    router = Router(sessions=sessions, cache=AnswerCache(sessions))
    for info in sorted(pkgutil.iter_modules(bot.answers.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bot.answers.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(router)
    return router
