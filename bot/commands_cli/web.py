"""`secbot serve`: the web process.

Runs the ASGI app (bot.web) under uvicorn. With SLACK_APP_TOKEN set, Slack is reached over Socket
Mode instead of POST /slack/events; the HTTP server still serves /healthz and /calendar.ics.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.commands_cli._entry import cli_settings, refuse
from bot.services import build_services


def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", envvar="PORT")] = 3000,
) -> None:
    """The web process (Slack events, health, calendar feed); Socket Mode with SLACK_APP_TOKEN."""
    import uvicorn

    from bot.slack.app import SlackNotConfigured
    from bot.slack.redact import install_redaction
    from bot.web import create_web_app

    settings = cli_settings()
    problem = settings.slack.serving_problem()
    if problem is not None:
        raise refuse(problem)
    install_redaction(settings.secrets())  # before anything can log a token
    svc = build_services(settings)
    socket_mode = settings.slack.socket_mode
    try:
        if socket_mode:
            from bot.slack.socket_mode import socket_mode_handler

            socket_mode_handler(svc).connect()
        app = create_web_app(svc, slack_events=not socket_mode)
    except SlackNotConfigured as exc:
        typer.echo(f"secbot serve: Slack is not configured: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(
        f"secbot serve: http://{host}:{port}"
        + (" (Slack over Socket Mode)" if socket_mode else ""),
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_config=None, proxy_headers=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
