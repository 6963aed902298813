"""`secbot teams-manifest`: the Teams app package (manifest.json, icons, and the zip to upload)."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import Annotated

import typer

from bot.commands_cli._entry import cli_settings

EXIT_USAGE = 2


def _commands() -> list[tuple[str, str, str]]:
    """The chat commands everyone may use, from the router (no database is opened)."""
    from bot.router import build_router
    from storage.db import make_engine, session_factory

    router = build_router(session_factory(make_engine("sqlite://")))
    return [
        (r.name, r.usage, r.description)
        for r in router.commands(admin=False)
        if r.name != "in-release"
    ]


AppIdOption = Annotated[
    str | None, typer.Option("--app-id", help="the bot's Microsoft App ID (default: TEAMS_APP_ID)")
]
OutOption = Annotated[Path, typer.Option("--out", help="directory to write into")]


def teams_manifest(out: OutOption = Path("teams-app"), app_id: AppIdOption = None) -> None:
    """Write the Teams app package: manifest.json, color.png, outline.png and a zip of them."""
    from pydantic import ValidationError

    from bot.teams.manifest import build_manifest, write_package

    try:
        settings = cli_settings().teams
        if app_id:
            settings = settings.model_copy(update={"app_id": app_id})
        version = importlib.metadata.version("secbot")
        manifest = build_manifest(settings, _commands(), version=version)
    except (ValueError, ValidationError) as error:
        typer.echo(f"secbot teams-manifest: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from error
    written = write_package(out, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    for path in written:
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    app.command("teams-manifest")(teams_manifest)
