"""Run one job safely: its own sessions, its errors logged and recorded, never re-raised.

APScheduler would log an exception and carry on, but a job that raised would leave no trace in
our tables; this wrapper records each run in ``job_runs`` (planning looks back to the last good
run of the reminders job) and returns None on failure, so one failing job never stops another.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime

from jobs.context import JobContext
from storage.db import transaction
from storage.outbox import record_job_run

log = logging.getLogger(__name__)

JobFunc = Callable[[JobContext, datetime], Mapping[str, int]]


def run_job(
    job_id: str, func: JobFunc, ctx: JobContext, at: datetime | None = None
) -> Mapping[str, int] | None:
    """Run func as if the clock read ``at`` (default: now); its counts, or None if it failed."""
    clock = at or ctx.clock()
    started, timer = ctx.wall_clock(), time.monotonic()
    result: Mapping[str, int] | None = None
    error: str | None = None
    try:
        result = func(ctx, clock)
    except Exception as exc:  # one failing job must never stop the scheduler
        error = f"{type(exc).__name__}: {exc}"
        log.exception("job %s failed", job_id)
    else:
        log.info("job %s done in %.2fs: %s", job_id, time.monotonic() - timer, dict(result))
    try:
        with transaction(ctx.sessions) as session:
            record_job_run(
                session,
                job_id=job_id,
                clock=clock,
                started=started,
                finished=ctx.wall_clock(),
                error=error,
            )
    except Exception:  # the database may be what failed; the log has the story
        log.exception("could not record the run of job %s", job_id)
    return result
