"""`secbot worker`, `secbot reminders` and `secbot deliveries`: the notifier from the shell."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from bot.commands_cli._entry import cli_services
from sec.timefmt import LONDON, today, uk_datetime
from storage.delivery_models import DeliveryState

# The worker, the scheduler, the senders and the Slack SDK load only in the command using them.
if TYPE_CHECKING:
    from bot.services import Services
    from jobs.context import Sender
    from jobs.sync.config import SyncConfig
    from jobs.worker import WorkerConfig

log = logging.getLogger(__name__)


def parse_moment(text: str) -> datetime:
    """An ISO date-time; without an offset it is London time (2019-03-18T09:00)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO time (try 2019-03-18T09:00)") from None
    return moment.replace(tzinfo=LONDON) if moment.tzinfo is None else moment.astimezone(LONDON)


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a day (try 2019-03-18)", param_hint=option
        ) from None


def _teams_senders(svc: Services) -> dict[str, Sender]:
    """The Teams sender when Teams is enabled (the SDK loads only then)."""
    teams = svc.settings.teams
    if not teams.enabled:
        return {}
    from bot.teams.sender import make_teams_sender

    try:
        return {"teams": make_teams_sender(svc, teams)}
    except Exception:  # a Teams misconfiguration must not stop Slack reminders
        log.exception("Teams sender unavailable; Teams reminders are not queued")
        return {}


def worker_config(svc: Services, *, standby_poll: float | None = None) -> WorkerConfig:
    """The worker's plain config, from the settings loaded once at start-up."""
    from bot.answers.tracker_content import tracker_content
    from bot.templating import render
    from jobs.worker import WorkerConfig

    slack, worker = svc.settings.slack, svc.settings.worker
    return WorkerConfig(
        engine=svc.engine,
        render=render,
        slack_token=slack.bot_token.get_secret_value() if slack.bot_token else None,
        slack_base_url=slack.api_base_url,
        slack_client_id=slack.client_id,
        slack_client_secret=slack.client_secret.get_secret_value() if slack.client_secret else None,
        standby_poll=worker.standby_poll_seconds if standby_poll is None else standby_poll,
        once_lock_timeout=worker.once_lock_timeout_seconds,
        pace=worker.slack_pace_seconds,
        nudge_policy=svc.settings.nudges.policy(),
        sync=_sync_config(svc),
        extra_senders=_teams_senders(svc),
        tracker_content=tracker_content,
    )


def _sync_config(svc: Services) -> SyncConfig | None:
    """The worker's sync job configuration, or None when SECBOT_SYNC_ENABLED is false."""
    from bot.commands_cli.sync import sync_config

    config = sync_config(svc.settings)
    return config if config.enabled else None


def worker(
    once: Annotated[bool, typer.Option("--once", help="run every job's due work once")] = False,
    at: Annotated[
        str | None, typer.Option("--at", help="with --once: as if the clock read this (ISO)")
    ] = None,
    standby_poll: Annotated[
        float | None,
        typer.Option(
            "--standby-poll",
            help="seconds between a standby's lock checks (default SECBOT_WORKER_STANDBY_POLL)",
        ),
    ] = None,
) -> None:
    """The scheduler process (reminders, digest, housekeeping); a second one stands by."""
    from bot.slack.redact import install_redaction
    from jobs.worker import close_senders

    if at is not None and not once:
        raise typer.BadParameter("--at only goes with --once", param_hint="--at")
    svc = cli_services()
    install_redaction(svc.settings.secrets())  # before anything can log a token
    config = worker_config(svc, standby_poll=standby_poll)
    try:
        _run_worker(config, once=once, at=at)
    finally:
        close_senders(config)


def _run_worker(config: WorkerConfig, *, once: bool, at: str | None) -> None:
    from jobs.worker import EXIT_LOCK_LOST, run_forever, run_once

    if not once:
        raise typer.Exit(run_forever(config))
    moment = parse_moment(at) if at else datetime.now(LONDON)
    results = run_once(config, moment)
    if results is None:
        typer.echo("Another worker holds the worker lock; nothing run.", err=True)
        raise typer.Exit(EXIT_LOCK_LOST)
    for job_id, counts in results.items():
        shown = "failed (see the log)" if counts is None else _counts(counts)
        typer.echo(f"{job_id} at {uk_datetime(moment)}: {shown}")
    if any(counts is None for counts in results.values()):
        raise typer.Exit(1)


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {value}" for name, value in counts.items()) or "nothing to do"


def reminders(
    start: Annotated[str | None, typer.Option("--from", help="first day (YYYY-MM-DD)")] = None,
    end: Annotated[str | None, typer.Option("--to", help="last day (YYYY-MM-DD)")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="milestones known on this day (default: --to)")
    ] = None,
) -> None:
    """The planned reminders due in a window, one a line (nothing is sent)."""
    from bot.templating import render
    from jobs.plan import load_snapshot
    from sec.reminders import DEFAULT_POLICY, reminders_between
    from storage.db import transaction

    first = _day(start, "--from") or today()
    last = _day(end, "--to") or first + timedelta(days=30)
    known = _day(as_of, "--as-of") or last
    horizon = timedelta(days=DEFAULT_POLICY.horizon_days())
    svc = cli_services()
    with transaction(svc.sessions) as session:
        snapshot, calendar = load_snapshot(session, start=first, end=last + horizon, as_of=known)
    window = (datetime.combine(first, time.min, LONDON), datetime.combine(last, time.max, LONDON))
    planned = reminders_between(snapshot, calendar, *window)
    for reminder in planned:
        headline = render("text", "reminder", r=reminder.context).splitlines()[0]
        typer.echo(f"{uk_datetime(reminder.due_at)}  {reminder.key}  {headline}")
    typer.echo(f"{len(planned)} reminders from {first.isoformat()} to {last.isoformat()}.")


def deliveries(
    state: Annotated[
        DeliveryState | None,
        typer.Option("--state", help="pending|sending|sent|late_sent|skipped|dead"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="at most this many rows")] = 50,
    requeue: Annotated[
        int | None, typer.Option("--requeue", help="send a dead delivery (by id) once more")
    ] = None,
) -> None:
    """The delivery outbox, newest first; dead letters with --state dead."""
    from storage.db import transaction
    from storage.outbox import list_deliveries, requeue_delivery

    svc = cli_services()
    with transaction(svc.sessions) as session:
        if requeue is not None:
            done = requeue_delivery(session, delivery_id=requeue)
            typer.echo(f"Delivery {requeue} {'requeued' if done else 'is not dead; unchanged'}.")
            raise typer.Exit(0 if done else 1)
        rows = list_deliveries(session, state=state, limit=limit)
    for row in rows:
        error = f"  ({row.last_error})" if row.last_error else ""
        typer.echo(
            f"{row.id:>6}  {row.state:<9}  {uk_datetime(row.due_at)}  {row.surface}:"
            f"{row.recipient}  {row.reminder_key}  tries {row.attempts}{error}"
        )
    typer.echo(f"{len(rows)} deliveries{f' in state {state}' if state else ''}.")


def register(app: typer.Typer) -> None:
    app.command()(worker)
    app.command()(reminders)
    app.command()(deliveries)
