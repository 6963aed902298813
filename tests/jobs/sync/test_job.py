"""The worker's sync job: on the schedule's hours, Working Days only, off without a config."""

from __future__ import annotations

from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.templating import render
from jobs.context import JobContext
from jobs.registry import JOBS, register_jobs
from jobs.sync.job import sync_job
from sec.timefmt import LONDON
from tests.fakes.secas_site import FakeSecasSite
from tests.jobs.sync.conftest import config_for

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
SATURDAY = datetime(2026, 11, 28, 9, 0, tzinfo=LONDON)
CHRISTMAS = datetime(2026, 12, 25, 9, 0, tzinfo=LONDON)


def test_sync_job_runs_a_pass_on_a_working_day(loaded, site: FakeSecasSite) -> None:
    ctx = JobContext(sessions=loaded, render=render, senders={}, sync=config_for(site))
    counts = sync_job(ctx, MONDAY)
    assert counts["reached"] == 1 and counts["changes"] > 0
    assert sync_job(ctx, SATURDAY) == {"skipped": 1}
    assert sync_job(ctx, CHRISTMAS) == {"skipped": 1}


def test_sync_job_does_nothing_without_a_config(loaded) -> None:
    assert sync_job(JobContext(sessions=loaded, render=render, senders={}), MONDAY) == {
        "skipped": 1
    }


def test_the_job_is_registered_on_the_configured_hours(loaded, site: FakeSecasSite) -> None:
    spec = next(s for s in JOBS if s.id == "secbot.sync")
    assert not spec.once and not spec.at_start
    scheduler = BackgroundScheduler(timezone=LONDON)
    ctx = JobContext(
        sessions=loaded, render=render, senders={}, sync=config_for(site, schedule="8,14")
    )
    register_jobs(scheduler, ctx)
    trigger = scheduler.get_job("secbot.sync").trigger
    fields = {f.name: str(f) for f in trigger.fields}
    assert (fields["hour"], fields["day_of_week"], fields["minute"]) == ("8,14", "mon-fri", "0")
