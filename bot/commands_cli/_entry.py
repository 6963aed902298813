"""The settings of one `secbot` invocation, loaded once by the entry point and handed down.

``bot.cli``'s callback loads them before any command runs and keeps them on the root Click
context; commands take them (or the Services built from them) from here. A bad setting stops
the command with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
import typer

from bot.settings import ConfigurationError, Settings, load_settings

if TYPE_CHECKING:
    from bot.services import Services

EXIT_CONFIGURATION = 2


def refuse(message: str) -> typer.Exit:
    """Print the one-line refusal; raise what this returns."""
    typer.echo(f"secbot: configuration error: {message}", err=True)
    return typer.Exit(EXIT_CONFIGURATION)


def load_or_refuse() -> Settings:
    try:
        return load_settings()
    except ConfigurationError as error:
        raise refuse(str(error)) from None


def cli_settings() -> Settings:
    """The invocation's settings (loaded here when a command runs outside the `secbot` app)."""
    context = click.get_current_context(silent=True)
    root = context.find_root() if context is not None else None
    if root is not None and isinstance(root.obj, Settings):
        return root.obj
    settings = load_or_refuse()
    if root is not None:
        root.obj = settings
    return settings


def cli_services() -> Services:
    from bot.services import build_services  # the router and its answers load only here

    return build_services(cli_settings())
