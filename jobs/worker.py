"""The worker process: take the lock (or stand by), then run the scheduler, or run once.

``run_forever`` blocks in APScheduler's BlockingScheduler (Europe/London) until SIGTERM/SIGINT,
or until the worker lock is lost (exit code 3, so the platform restarts it as a standby).
``run_once`` runs every job's due work once as if the clock read ``at``: for operators, and for
tests that drive the calendar.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine

from jobs.context import JobContext, OutboxRules, Renderer, Sender
from jobs.locking import WorkerLock, make_lock, wait_for_lock
from jobs.registry import register_jobs, run_all_once
from jobs.senders.slack import Pacer, SlackSender, make_client
from sec.reminders import DEFAULT_POLICY, ReminderPolicy
from sec.timefmt import LONDON, now
from storage.db import session_factory

log = logging.getLogger(__name__)

EXIT_OK, EXIT_LOCK_LOST = 0, 3


@dataclass
class WorkerConfig:
    """What the entry point hands the worker (``jobs`` cannot read ``bot.settings``)."""

    engine: Engine
    render: Renderer
    slack_token: str | None = None
    slack_base_url: str | None = None
    tz: ZoneInfo = LONDON
    standby_poll: float = 5.0  # seconds between a standby's tries for the lock
    once_lock_timeout: float = 120.0  # how long --once waits for an active worker
    pace: float = 1.0  # seconds between messages to one channel
    policy: ReminderPolicy = DEFAULT_POLICY
    rules: OutboxRules = field(default_factory=OutboxRules)
    # Senders built by the entry point (Teams: its credentials live in bot's settings).
    extra_senders: Mapping[str, Sender] = field(default_factory=dict)


def build_senders(config: WorkerConfig) -> dict[str, Sender]:
    """The senders we can use; a surface without one has no rows queued at all."""
    senders: dict[str, Sender] = dict(config.extra_senders)
    if config.slack_token:
        client = make_client(config.slack_token, config.slack_base_url)
        senders["slack"] = SlackSender(client, Pacer(config.pace))
    else:
        log.warning("no SLACK_BOT_TOKEN: Slack reminders are not queued or sent")
    return senders


def build_context(config: WorkerConfig, *, exclusive: bool) -> JobContext:
    return JobContext(
        sessions=session_factory(config.engine),
        render=config.render,
        senders=build_senders(config),
        exclusive=exclusive,
        policy=config.policy,
        rules=config.rules,
        clock=lambda: now(config.tz),
    )


def run_once(
    config: WorkerConfig, at: datetime, *, lock: WorkerLock | None = None
) -> dict[str, Mapping[str, int] | None] | None:
    """Every job once as if the clock read ``at``; None if another worker kept the lock."""
    lock = lock or make_lock(config.engine)
    if not wait_for_lock(
        lock, poll=min(config.standby_poll, 1.0), timeout=config.once_lock_timeout
    ):
        return None
    try:
        return run_all_once(build_context(config, exclusive=True), at.astimezone(config.tz))
    finally:
        lock.release()


def run_forever(config: WorkerConfig) -> int:
    """The scheduler process; returns the exit code."""
    stop = threading.Event()
    scheduler = BlockingScheduler(
        timezone=config.tz,
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(4)},
    )

    def shut_down() -> None:
        stop.set()
        if scheduler.running:
            scheduler.shutdown(wait=False)

    _on_signals(shut_down)
    lock = make_lock(config.engine)
    if not wait_for_lock(lock, poll=config.standby_poll, stopping=stop.is_set):
        return EXIT_OK
    log.info("worker lock taken; scheduling jobs")
    lost = threading.Event()

    def watchdog() -> None:
        if not lock.held():
            log.error("worker lock lost; stopping so that a standby can take over")
            lost.set()
            scheduler.shutdown(wait=False)

    ctx = build_context(config, exclusive=True)
    register_jobs(scheduler, ctx, tz=config.tz, now=now(config.tz), watchdog=watchdog)
    try:
        scheduler.start()
    finally:
        lock.release()
    return EXIT_LOCK_LOST if lost.is_set() else EXIT_OK


def _on_signals(handler: Callable[[], None]) -> None:
    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: shutting down", signum)
        handler()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handle)
