"""`secbot worker`: the scheduler process."""

from __future__ import annotations

import typer


def worker() -> None:
    """The scheduler process (reminders)."""
    typer.echo("secbot worker: the scheduler is not built yet (notifier issue).", err=True)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command()(worker)
