"""What every job is handed: sessions, senders, the directory, the renderer, the policies and
the outbox rules.

``jobs`` may not import ``bot``, so the renderer (``bot.templating.render``) and the settings
(as plain config: ``NudgePolicy``) arrive from the entry point through this context.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session, sessionmaker

from jobs.nudge_policy import NudgePolicy
from jobs.sync.config import SyncConfig
from sec.reminders import DEFAULT_POLICY, ReminderPolicy
from sec.timefmt import now
from storage.outbox import ClaimedDelivery


class Renderer(Protocol):
    """``bot.templating.render``: the template for a message kind on a surface."""

    def __call__(self, surface: str, kind: str, **context: Any) -> str: ...


class TrackerContent(Protocol):
    """``bot.answers.tracker_content.tracker_content``: what a live tracker shows on the day
    (title, canvas markdown, pinned-message text and blocks), or None when it no longer
    resolves."""

    def __call__(
        self, session: Session, *, target: str, owner: str | None, as_of: date
    ) -> dict[str, Any] | None: ...


Outcome = Literal["sent", "retry", "dead", "skipped"]


@dataclass(frozen=True)
class SendResult:
    """What a sender made of one row. retry_after: seconds the platform asked us to wait."""

    outcome: Outcome
    ts: str | None = None
    error: str | None = None
    retry_after: float | None = None


class Sender(Protocol):
    """Posts claimed rows to one surface."""

    surface: str

    def send(self, delivery: ClaimedDelivery, *, late: bool, too_old: bool) -> SendResult:
        """Post (or find an earlier post of) one row.

        late: append the late note. too_old: past the catch-up window, so only look for an
        earlier post and report "skipped" when there is none.
        """
        ...


class Directory(Protocol):
    """Finds a person's chat user id from their e-mail address (Slack: users.lookupByEmail)."""

    def lookup_by_email(self, email: str) -> str | None:
        """The user id, or None when nobody has that address or the directory cannot say."""
        ...


@dataclass(frozen=True)
class OutboxRules:
    """Catch-up, retry and lookback rules of the outbox."""

    catch_up: timedelta = timedelta(hours=24)  # later than this: skipped, not sent
    late_after: timedelta = timedelta(minutes=15)  # later than this: sent, marked late
    max_attempts: int = 6
    backoff: timedelta = timedelta(seconds=30)  # doubled per try
    backoff_cap: timedelta = timedelta(minutes=30)
    lookback: timedelta = timedelta(hours=48)  # planning always looks this far back
    max_lookback: timedelta = timedelta(days=31)  # ... and at most this far after an outage
    orphan_after: timedelta = timedelta(minutes=10)  # a row in sending this long is abandoned
    batch: int = 200
    channel_budget: float = 40.0  # seconds one channel may spend sending in one run
    digest_days: int = 5  # Working Days the digest looks ahead

    def retry_delay(self, attempts: int, asked: float | None) -> timedelta:
        """Exponential backoff, at least what the platform asked for."""
        exponential = self.backoff * (2 ** max(0, attempts - 1))
        delay = min(exponential, self.backoff_cap)
        return max(delay, timedelta(seconds=asked or 0))


def new_worker_id() -> str:
    """host:pid:random, unique per process start; recorded in claimed_by."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class JobContext:
    """Shared by the jobs of one worker process.

    exclusive: this process holds the worker lock, so rows another claimer left in sending
    are abandoned. clock: the scheduler's time (``--at`` pins it); wall_clock: real time,
    for claim leases and Slack's own timestamps.
    """

    sessions: sessionmaker[Session]
    render: Renderer
    senders: Mapping[str, Sender]
    directory: Directory | None = None
    worker_id: str = field(default_factory=new_worker_id)
    exclusive: bool = False
    policy: ReminderPolicy = DEFAULT_POLICY
    rules: OutboxRules = field(default_factory=OutboxRules)
    nudge_policy: NudgePolicy = field(default_factory=NudgePolicy)
    sync: SyncConfig | None = None  # the website sync; None: the sync job does nothing
    # What live trackers show (bot.answers.tracker_content); None: the trackers job does nothing.
    tracker_content: TrackerContent | None = None
    clock: Callable[[], datetime] = now
    wall_clock: Callable[[], datetime] = now
