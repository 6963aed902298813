"""The `secbot` command line. Logging is configured here, in the entry point, and nowhere else."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from bot.commands_cli._entry import cli_services, load_or_refuse
from sec.timefmt import today
from sec.vague_dates import parse_vague_date

if TYPE_CHECKING:
    from bot.services import Services

# Each command imports what it alone needs inside its function (the sample loader, Alembic, the
# console, the worker, the Slack and Teams SDKs): `secbot ask` pays for nothing else at start-up
# (tests/bot/test_cli_imports.py).

app = typer.Typer(
    help="secbot: the SEC change process assistant.", no_args_is_help=True, add_completion=False
)

EXIT_ANSWERED, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2


def parse_day(text: str | None, *, option: str = "--as-of") -> date | None:
    """A day given on the command line: ISO, or anything our date parser reads as one day."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parsed = parse_vague_date(text, today=today())
    if parsed is None or parsed.precision != "day":
        raise typer.BadParameter(f"{text!r} is not a day (try 2019-03-08)", param_hint=option)
    return parsed.start


AsOf = Annotated[
    str | None, typer.Option("--as-of", help="answer as of this day (YYYY-MM-DD)", metavar="DATE")
]


@app.callback()
def load_configuration(context: typer.Context) -> None:
    # Once per invocation, before any command: a bad setting stops here with one line.
    context.obj = load_or_refuse()


def services() -> Services:
    return cli_services()


@app.command()
def init(
    empty: Annotated[bool, typer.Option("--empty", help="only create the schema")] = False,
) -> None:
    """Create or upgrade the database, then load the sample data unless --empty (safe twice)."""
    from storage.db import transaction, upgrade
    from storage.sample import load_sample

    svc = services()
    upgrade(svc.engine)
    if empty:
        typer.echo("Database schema is up to date.")
        return
    with transaction(svc.sessions) as session:
        result = load_sample(session)
    typer.echo(f"Database schema is up to date. {result.describe()}")


@app.command()
def ask(
    text: Annotated[list[str], typer.Argument(help="the chat command, e.g. status MP159")],
    as_of: AsOf = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="a list in full, not a page at a time")
    ] = False,
) -> None:
    """Answer one chat command as plain text (exit 0 answered, 1 not found or user error)."""
    from bot.context import console_context
    from bot.render import render_text

    day = parse_day(as_of) or today()
    svc = services()
    line = " ".join(text) + (" --all" if show_all else "")
    answer = svc.router.handle(line, console_context(svc, as_of=day)).answer
    typer.echo(render_text(answer))
    raise typer.Exit(EXIT_ANSWERED if answer.ok else EXIT_NOT_FOUND)


@app.command()
def chat(as_of: AsOf = None) -> None:
    """The same commands in an interactive console."""
    from bot.console import run_console

    run_console(services(), as_of=parse_day(as_of))


def _register_command_groups() -> None:
    """Each feature adds its commands from its own module (web, jobs, calendar, ingest, ...)."""
    import bot.commands_cli

    for info in sorted(pkgutil.iter_modules(bot.commands_cli.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bot.commands_cli.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)


_register_command_groups()


def configure_logging() -> None:
    """The one logging set-up: this entry point's, and each `serve --workers` process's."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


def main() -> None:
    configure_logging()
    app()
