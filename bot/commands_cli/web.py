"""`secbot serve`: the web process.

Runs the ASGI app (bot.web) under uvicorn. With SLACK_APP_TOKEN set, Slack is reached over Socket
Mode instead of POST /slack/events; the HTTP server still serves /healthz and /calendar.ics.

``--workers N`` runs N processes on one listening socket: uvicorn's supervisor starts them,
restarts one that dies, and the kernel shares connections among them. The default is one per
CPU on PostgreSQL and one on SQLite: SQLite lets one writer in at a time and makes writers in
other processes sleep and retry (every slash command writes its replay receipt), which made
two processes slower than one (docs/benchmarks.md); ``--workers N`` is still obeyed.
Nothing a request relies on is kept in one process: event de-duplication, replay receipts, OAuth
state, installations and ingest offers are rows in the database, and each process's answer cache
is keyed by the store revision, so any process answers any request the same. Socket Mode keeps
one process (a second would hold a second Slack connection for nothing).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from bot.commands_cli._entry import cli_settings, refuse

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from bot.settings import Settings

# The app each worker process builds for itself (uvicorn imports it by name, as a factory).
WORKER_APP = "bot.commands_cli.web:worker_app"


def default_workers(database_url: str) -> int:
    """One web process per CPU this process may run on; one on SQLite (see above)."""
    if database_url.startswith("sqlite"):
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", envvar="PORT")] = 3000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="web processes (default: the number of CPUs; 1 on SQLite)",
        ),
    ] = None,
) -> None:
    """The web process (Slack events, health, calendar feed); Socket Mode with SLACK_APP_TOKEN."""
    import uvicorn

    settings = cli_settings()
    problem = settings.slack.serving_problem()
    if problem is not None:
        raise refuse(problem)
    count = 1 if settings.slack.socket_mode else (workers or default_workers(settings.database.url))
    app = build_app(settings)  # in this process too: a misconfiguration stops here, once
    typer.echo(
        f"secbot serve: http://{host}:{port}"
        + (" (Slack over Socket Mode)" if settings.slack.socket_mode else "")
        + (f", {count} processes" if count > 1 else ""),
        err=True,
    )
    if count == 1:
        uvicorn.run(app, host=host, port=port, log_config=None, proxy_headers=True)
    else:
        uvicorn.run(
            WORKER_APP,
            factory=True,
            workers=count,
            host=host,
            port=port,
            log_config=None,
            proxy_headers=True,
        )


def build_app(settings: Settings) -> Starlette:
    """The web app from the settings; Socket Mode connected when SLACK_APP_TOKEN is set."""
    from bot.services import build_services
    from bot.slack.app import SlackNotConfigured
    from bot.slack.redact import install_redaction
    from bot.web import create_web_app

    install_redaction(settings.secrets())  # before anything can log a token
    svc = build_services(settings)
    socket_mode = settings.slack.socket_mode
    try:
        if socket_mode:
            from bot.slack.socket_mode import socket_mode_handler

            socket_mode_handler(svc).connect()
        return create_web_app(svc, slack_events=not socket_mode)
    except SlackNotConfigured as exc:
        typer.echo(f"secbot serve: Slack is not configured: {exc}", err=True)
        raise typer.Exit(2) from exc


def worker_app() -> Starlette:
    """One worker process's app: settings from the same environment the parent checked."""
    from bot.cli import configure_logging
    from bot.settings import load_settings

    configure_logging()
    return build_app(load_settings())


def register(app: typer.Typer) -> None:
    app.command()(serve)
