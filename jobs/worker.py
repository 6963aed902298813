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

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine

from jobs.context import (
    Directory,
    JobContext,
    OutboxRules,
    Renderer,
    Sender,
    TrackerContent,
)
from jobs.locking import WorkerLock, make_lock, wait_for_lock
from jobs.nudge_policy import NudgePolicy
from jobs.pacing import Pacer
from jobs.registry import register_jobs, run_all_once
from jobs.senders.slack import SlackDirectory, SlackSender, make_client
from jobs.senders.slack_tenants import multi_workspace_sender
from jobs.sync.config import SyncConfig
from sec.reminders import DEFAULT_POLICY, ReminderPolicy
from sec.timefmt import LONDON, now
from storage.change_threads import ThreadBook
from storage.db import session_factory
from storage.trackers import TrackerBook

log = logging.getLogger(__name__)

EXIT_OK, EXIT_LOCK_LOST = 0, 3


@dataclass
class WorkerConfig:
    """What the entry point hands the worker (``jobs`` cannot read ``bot.settings``).

    Built once at start-up from the settings; times are London's (``sec.timefmt.LONDON``).
    """

    engine: Engine
    render: Renderer
    slack_token: str | None = None
    slack_base_url: str | None = None
    # OAuth installs: each workspace's token comes from the installation store (rotated).
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    standby_poll: float = 5.0  # seconds between a standby's tries for the lock
    once_lock_timeout: float = 120.0  # how long --once waits for an active worker
    pace: float = 1.0  # seconds between messages to one channel
    policy: ReminderPolicy = DEFAULT_POLICY
    rules: OutboxRules = field(default_factory=OutboxRules)
    nudge_policy: NudgePolicy = field(default_factory=NudgePolicy)
    sync: SyncConfig | None = None  # the website sync job's configuration (None: no sync)
    tracker_content: TrackerContent | None = None  # what live trackers show (None: none kept)
    # Senders built by the entry point (Teams: its credentials live in bot's settings).
    extra_senders: Mapping[str, Sender] = field(default_factory=dict)


def build_senders(config: WorkerConfig) -> tuple[dict[str, Sender], Directory | None]:
    """The senders we can use (a surface without one has no rows queued at all), and the
    directory that finds Proposers' chat users by e-mail."""
    senders: dict[str, Sender] = dict(config.extra_senders)
    directory: Directory | None = None
    multi = bool(config.slack_client_id and config.slack_client_secret)
    if config.slack_token or multi:
        # Change notices thread per (channel, modification): parents kept in the store.
        threads = ThreadBook(session_factory(config.engine))
        trackers = TrackerBook(session_factory(config.engine))
        pacer = Pacer(config.pace)

        def slack_sender(token: str) -> SlackSender:
            client = make_client(token, config.slack_base_url)
            return SlackSender(client, pacer, threads=threads, trackers=trackers)

        senders["slack"] = (
            _slack_sender(config, slack_sender) if multi else slack_sender(str(config.slack_token))
        )
        if config.slack_token:
            directory = SlackDirectory(make_client(config.slack_token, config.slack_base_url))
    else:
        log.warning("no SLACK_BOT_TOKEN: Slack reminders are not queued or sent")
    return senders, directory


def _slack_sender(config: WorkerConfig, make: Callable[[str], SlackSender]) -> Sender:
    """Many workspaces: each delivery goes with its workspace's own token (slack_tenants)."""
    assert config.slack_client_id and config.slack_client_secret
    return multi_workspace_sender(
        config.engine,
        client_id=config.slack_client_id,
        client_secret=config.slack_client_secret,
        base_url=config.slack_base_url,
        default_token=config.slack_token,
        make_sender=make,
        pace=config.pace,
    )


def build_context(config: WorkerConfig, *, exclusive: bool) -> JobContext:
    senders, directory = build_senders(config)
    return JobContext(
        sessions=session_factory(config.engine),
        render=config.render,
        senders=senders,
        directory=directory,
        exclusive=exclusive,
        policy=config.policy,
        rules=config.rules,
        nudge_policy=config.nudge_policy,
        sync=config.sync,
        tracker_content=config.tracker_content,
        clock=lambda: now(LONDON),
    )


def close_senders(config: WorkerConfig) -> None:
    """Close what the entry point's senders hold open (the Teams sender's client and loop)."""
    for sender in config.extra_senders.values():
        close = getattr(sender, "close", None)
        if callable(close):
            try:
                close()
            except Exception:  # shutting down: say so, and close the others
                log.exception("closing the %s sender failed", sender.surface)


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
        return run_all_once(build_context(config, exclusive=True), at.astimezone(LONDON))
    finally:
        lock.release()


def run_forever(config: WorkerConfig) -> int:
    """The scheduler process; returns the exit code."""
    stop = threading.Event()
    scheduler = BlockingScheduler(
        timezone=LONDON,
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
    register_jobs(scheduler, ctx, tz=LONDON, now=now(LONDON), watchdog=watchdog)
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
