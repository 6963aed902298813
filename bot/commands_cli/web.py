"""`secbot serve`: the web process.

Runs the ASGI app (bot.web) under uvicorn. With SLACK_APP_TOKEN set, Slack is reached over Socket
Mode instead of POST /slack/events; the HTTP server still serves /healthz and /calendar.ics.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.services import Services, build_services


def _secrets(svc: Services) -> list[str]:
    settings = svc.settings
    values = [
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.slack_client_secret,
    ]
    return [v.get_secret_value() for v in values if v is not None]


def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", envvar="PORT")] = 3000,
) -> None:
    """The web process (Slack events, health, calendar feed); Socket Mode with SLACK_APP_TOKEN."""
    import uvicorn

    from bot.slack.app import SlackNotConfigured
    from bot.slack.redact import install_redaction
    from bot.web import create_web_app

    svc = build_services()
    install_redaction(_secrets(svc))  # before anything can log a token
    socket_mode = svc.settings.slack_app_token is not None
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
