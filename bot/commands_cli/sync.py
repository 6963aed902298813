"""`secbot sync [--dry-run] [--json]`: one polite pass over the SECAS website (docs/sync.md).

Exit 0 when the site answered (pages that failed are listed, and retried next pass), 1 when it
could not be reached at all.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.commands_cli._entry import cli_services

if TYPE_CHECKING:
    from bot.settings import Settings
    from jobs.sync import PageOutcome, SyncConfig

EXIT_REACHED, EXIT_UNREACHABLE = 0, 1


def sync_config(settings: Settings) -> SyncConfig:
    """The sync's plain config from the one Settings object (jobs never import bot)."""
    from jobs.sync import SyncConfig

    site = getattr(settings, "site", None)
    admin = getattr(getattr(settings, "nudges", None), "admin_channel", None)
    if site is None:
        return SyncConfig(admin_channel=admin)
    return SyncConfig(
        url=site.url,
        requests_per_second=site.requests_per_second,
        contact=site.contact,
        apply=site.apply,
        timeout_seconds=site.timeout_seconds,
        max_page_bytes=site.max_page_bytes,
        schedule=site.schedule,
        enabled=site.enabled,
        admin_channel=admin,
    )


class _Progress:
    """A progress line on a terminal (stderr) only; pages are printed as they come."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.progress: Any = None
        self.task: Any = None
        if self.enabled:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("sync"),
                BarColumn(),
                TextColumn("{task.completed} pages"),
                TimeElapsedColumn(),
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("sync", total=None)

    def step(self) -> None:
        if self.enabled:
            self.progress.advance(self.task)

    def stop(self) -> None:
        if self.enabled:
            self.progress.stop()


def sync(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="read and diff; write nothing")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Read the SECAS website politely and bring the store up to date with it."""
    from bot.templating import render
    from jobs.sync import run_sync
    from jobs.sync.alarm import admin_address, drift_alarm
    from jobs.sync.review import offer_after_pass
    from sec.timefmt import now

    logging.getLogger("httpx").setLevel(logging.WARNING)  # we print each page ourselves
    svc = cli_services()
    config = sync_config(svc.settings)
    progress = _Progress(as_json)

    def on_page(page: PageOutcome) -> None:
        progress.step()
        if as_json or page.outcome in ("skipped",):
            return
        typer.echo(page.line())
        for line in page.changes:
            typer.echo(f"    {line}")

    target = admin_address(config.admin_channel)
    alarm = drift_alarm(render, target, site=config.url)
    try:
        result = run_sync(svc.sessions, config, dry_run=dry_run, on_page=on_page, alarm=alarm)
    finally:
        progress.stop()
    offered = offer_after_pass(
        svc.sessions, render, target, config=config, dry_run=dry_run, now=now()
    )
    if offered and not as_json:
        typer.echo(f"{offered} page change set(s) posted to the administrators for review.")
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, default=str))
    else:
        _print_summary(result)
    raise typer.Exit(EXIT_REACHED if result.reached else EXIT_UNREACHABLE)


def _print_summary(result: Any) -> None:
    failed = [p for p in result.pages if p.outcome in ("failed", "drift")]
    if failed:
        pages = "page" if len(failed) == 1 else "pages"
        typer.echo(f"{len(failed)} {pages} changed nothing and will be read again next pass:")
        for page in failed:
            typer.echo(f"  {page.url}: {page.note}")
    if result.error and result.reached:
        typer.echo(f"The site answered but could not be read: {result.error}. Nothing changed.")
    if result.alarms:
        typer.echo("Most pages of a kind could not be read; the administrators' channel is told.")
    typer.echo(result.summary())


def register(app: typer.Typer) -> None:
    app.command()(sync)
