"""Every scheduled job, registered in one place.

Stable ids, ``replace_existing=True``, ``coalesce=True``, ``max_instances=1``, a misfire grace
that fits each job, and Europe/London for the triggers. The job store is in memory: what must
survive a restart (what was sent) lives in our tables, not in APScheduler's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs.change_notices import change_notices_job
from jobs.context import JobContext
from jobs.digest import enqueue_digests
from jobs.dispatch import reminders_job
from jobs.housekeeping import housekeeping
from jobs.nudges import nudges_job
from jobs.sync.job import sync_job, sync_trigger
from jobs.trackers import trackers_job
from jobs.wrapper import JobFunc, run_job
from sec.timefmt import LONDON


@dataclass(frozen=True)
class JobSpec:
    """A job: id, function, trigger, misfire grace (s), and whether it runs at start-up."""

    id: str
    func: JobFunc
    trigger: Callable[[tzinfo], BaseTrigger]
    misfire_grace: int
    at_start: bool = True
    description: str = ""
    # A trigger that depends on the configuration (the sync's hours), used instead of trigger.
    configured: Callable[[JobContext, tzinfo], BaseTrigger] | None = None
    once: bool = True  # run by `worker --once` (the sync is not: `secbot sync` does that)


JOBS: tuple[JobSpec, ...] = (
    # Digest first: in a run-once its rows are queued before the dispatcher sends.
    JobSpec(
        "secbot.digest",
        enqueue_digests,
        lambda tz: CronTrigger(day_of_week="mon-fri", hour=9, minute=0, timezone=tz),
        misfire_grace=6 * 3600,
        description="queue the daily digest (09:00, Working Days)",
    ),
    # Nudges before the dispatcher too; the nudge day and hour are checked inside (settings).
    JobSpec(
        "secbot.nudges",
        nudges_job,
        lambda tz: CronTrigger(second=0, timezone=tz),
        misfire_grace=50,
        description="queue nudges about pending decisions and tell administrators (every minute)",
    ),
    # Change notices before the dispatcher (and after the sync): queued, then sent in one run.
    JobSpec(
        "secbot.change_notices",
        change_notices_job,
        lambda tz: CronTrigger(second=30, timezone=tz),
        misfire_grace=50,
        description="queue notices of changes to the register (every minute)",
    ),
    # Trackers before the dispatcher: a rewrite queued now is sent in the same run.
    JobSpec(
        "secbot.trackers",
        trackers_job,
        lambda tz: CronTrigger(second=40, timezone=tz),
        misfire_grace=50,
        description="queue rewrites of live tracker canvases and pinned messages (every minute)",
    ),
    JobSpec(
        "secbot.reminders",
        reminders_job,
        lambda tz: CronTrigger(second=0, timezone=tz),
        misfire_grace=50,  # a minute missed is caught by the next one
        description="queue due reminders and send due deliveries (every minute)",
    ),
    JobSpec(
        "secbot.housekeeping",
        housekeeping,
        lambda tz: CronTrigger(hour=3, minute=30, timezone=tz),
        misfire_grace=12 * 3600,
        at_start=False,
        description="purge old finished deliveries (03:30)",
    ),
    JobSpec(
        "secbot.sync",
        sync_job,
        lambda tz: sync_trigger("7-19/2", tz),
        misfire_grace=30 * 60,
        at_start=False,
        description="read the SECAS website (every two hours 07:00-19:00, Working Days)",
        configured=lambda ctx, tz: sync_trigger(ctx.sync.schedule if ctx.sync else "7-19/2", tz),
        once=False,
    ),
)


def register_jobs(
    scheduler: BaseScheduler,
    ctx: JobContext,
    *,
    tz: tzinfo = LONDON,
    now: datetime | None = None,
    watchdog: Callable[[], None] | None = None,
) -> None:
    """Add every job to the scheduler (jobs marked at_start also run once at ``now``)."""
    for spec in JOBS:
        scheduler.add_job(
            run_job,
            trigger=spec.configured(ctx, tz) if spec.configured else spec.trigger(tz),
            args=(spec.id, spec.func, ctx),
            id=spec.id,
            name=spec.description or spec.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=spec.misfire_grace,
            **({"next_run_time": now} if spec.at_start and now is not None else {}),
        )
    if watchdog is not None:
        scheduler.add_job(
            watchdog,
            trigger=IntervalTrigger(seconds=15, timezone=tz),
            id="secbot.lock_watch",
            name="stop when the worker lock is lost",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=15,
        )


def run_all_once(ctx: JobContext, at: datetime) -> dict[str, Mapping[str, int] | None]:
    """Each job's due work once, in order, as if the clock read ``at``."""
    return {spec.id: run_job(spec.id, spec.func, ctx, at) for spec in JOBS if spec.once}
