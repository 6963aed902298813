"""The worker's `sync` job: one pass over the site at the scheduled London hours of Working Days.

The trigger fires on weekdays at the configured hours; bank holidays and SECAS closures are
checked here against the working calendar. Like every job it runs only on the worker holding
the worker lock, one instance at a time. A worker without a sync configuration (tests, or
SECBOT_SYNC_ENABLED=false) does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from jobs.context import JobContext
from jobs.sync.alarm import admin_address, drift_alarm
from jobs.sync.config import SyncConfig
from jobs.sync.review import offer_after_pass
from jobs.sync.run import run_sync
from sec.timefmt import LONDON
from storage.calendar_store import get_working_calendar
from storage.db import transaction

log = logging.getLogger(__name__)


def sync_trigger(schedule: str, tz: object = LONDON) -> BaseTrigger:
    """Weekdays at the schedule's hours (cron hours, e.g. "7-19/2"), on the hour."""
    return CronTrigger(day_of_week="mon-fri", hour=schedule, minute=0, timezone=tz)


def sync_job(ctx: JobContext, at: datetime) -> Mapping[str, int]:
    """One pass, unless sync is off or today is not a Working Day."""
    config: SyncConfig | None = getattr(ctx, "sync", None)
    if config is None or not config.enabled:
        return {"skipped": 1}
    with transaction(ctx.sessions) as session:
        working = get_working_calendar(session).is_working_day(at.astimezone(LONDON).date())
    if not working:
        return {"skipped": 1}
    target = admin_address(config.admin_channel)
    if target is not None and target[0] not in ctx.senders:
        target = None  # a row for a surface this worker cannot send to would never go
    alarm = drift_alarm(ctx.render, target, site=config.url, clock=ctx.wall_clock)
    result = run_sync(ctx.sessions, config, alarm=alarm, clock=ctx.wall_clock)
    offered = offer_after_pass(
        ctx.sessions, ctx.render, target, config=config, dry_run=False, now=ctx.wall_clock()
    )
    log.info("sync: %s (%d offered for review)", result.summary(), offered)
    counts = result.counts()
    return {
        "reached": int(result.reached),
        "fetched": counts.fetched,
        "not_modified": counts.not_modified,
        "failed": counts.failed,
        "drift": counts.drift,
        "changes": counts.changes,
        "review_offers": offered,
    }
