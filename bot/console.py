"""The console chat: the same commands as Slack and Teams, typed at a prompt."""

from __future__ import annotations

from datetime import date
from typing import TextIO

from bot.context import console_context
from bot.render import render_text
from bot.services import Services

BANNER = (
    "secbot console. Ask as you would in Slack: status MP159, release Feb 2022, releases,\n"
    "search firmware, or a question. Type help for more, quit to leave."
)


def run_console(
    svc: Services,
    *,
    as_of: date | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> None:
    """Read commands until quit or end of input; answer each one."""
    import sys

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    print(BANNER, file=stdout)
    while True:
        if interactive:
            print("sec> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip().lower() in {"quit", "exit", ":q"}:
            break
        if not line.strip():
            continue
        reply = svc.router.handle(line, console_context(svc, as_of=as_of))
        print(render_text(reply.answer), file=stdout, flush=True)
