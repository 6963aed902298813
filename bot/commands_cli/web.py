"""`secbot serve`: the web process."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 3000,
) -> None:
    """The web process (Slack events, health, calendar feed)."""
    typer.echo("secbot serve: the web process is not built yet (Slack app issue).", err=True)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command()(serve)
