"""Answers cached in the process, never stale: keyed by the store revision (storage.revision).

A repeated question costs a dictionary look-up (the line was parsed before) plus one primary-key
read of the revision. Every write of facts bumps the revision in its own transaction, so the
first question after a write misses and is answered afresh; nothing is ever invalidated by hand.

The key is (the line with its spaces normalised, the as-of day, the surface, the workspace,
whether the asker is an administrator, the revision): everything a shared answer depends on.
Only answers that are the same for everyone in a workspace are kept (``SHARED``). Personal and
acting commands are never cached: ``pending`` (it has ``mine``), free questions (they may be
read as ``mine``), subscriptions, ingest offers, administrator commands; App Home is built
apart and not cached either. Failures (kind "error") are not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from storage import revision

if TYPE_CHECKING:
    from bot.commands import Command
    from bot.context import Context
    from bot.router import Reply

# Commands whose answer depends only on the facts, the day, the surface and the workspace.
SHARED = frozenset(
    {
        "status",
        "history",
        "search",
        "release",
        "releases",
        "in-release",
        "list",
        "meetings",
        "deadlines",
        "sources",
        "version",
        "help",
    }
)
MAX_ANSWERS = 2048
MAX_LINES = 4096
MAX_LINE = 500  # longer lines are parsed and answered every time, not kept

Key = tuple[str, date, str, str | None, bool, int]


class AnswerCache:
    """A bounded LRU of replies by (line, day, surface, workspace, admin, revision)."""

    def __init__(self, sessions: sessionmaker[Session], max_answers: int = MAX_ANSWERS) -> None:
        self.sessions = sessions
        self.max_answers = max_answers
        self._answers: OrderedDict[Key, Reply] = OrderedDict()
        self._lines: dict[str, Command] = {}
        self._revision = -1
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def parse(self, line: str, parse: Callable[[str], Command]) -> Command:
        """``parse(line)``, remembered: parsing is a pure function of the line."""
        command = self._lines.get(line)
        if command is None:
            command = parse(line)
            if len(line) <= MAX_LINE:
                with self._lock:
                    if len(self._lines) >= MAX_LINES:
                        self._lines.clear()
                    self._lines[line] = command
        return command

    def reply(
        self, line: str, command: Command, ctx: Context, answer: Callable[[], Reply]
    ) -> Reply:
        """The cached reply to a shared command, or ``answer()`` (kept for next time)."""
        if command.name not in SHARED or len(line) > MAX_LINE:
            return answer()
        key = self._key(line, ctx)
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        reply = answer()
        if reply.answer.kind != "error":
            self._keep(key, reply)
        return reply

    def _key(self, line: str, ctx: Context) -> Key:
        with self.sessions() as session:
            now = revision.current(session)
        with self._lock:
            if now != self._revision:  # the store changed: nothing kept can be asked for again
                self._answers.clear()
                self._revision = now
        return (" ".join(line.split()), ctx.as_of, ctx.surface, ctx.workspace, ctx.is_admin, now)

    def _keep(self, key: Key, reply: Reply) -> None:
        with self._lock:
            if key[-1] != self._revision:
                return  # answered across a write: the next question will be asked afresh
            self._answers[key] = reply
            self._answers.move_to_end(key)
            while len(self._answers) > self.max_answers:
                self._answers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._answers)
