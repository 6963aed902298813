"""Job registration, the wrapper, the digest and the pacer."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session, sessionmaker

from jobs.digest import enqueue_digests
from jobs.registry import JOBS, register_jobs, run_all_once
from jobs.senders.slack import Pacer, retry_after
from jobs.wrapper import run_job
from sec.timefmt import LONDON
from storage.db import transaction
from storage.outbox import get_job_run
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import london, make_ctx, rows, subscribe

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


def test_jobs_are_registered_once_with_their_settings(sessions: sessionmaker) -> None:
    scheduler = BackgroundScheduler(timezone=LONDON)
    scheduler.start(paused=True)
    try:
        ctx = make_ctx(sessions, FakeSlack())
        register_jobs(scheduler, ctx, now=london("2019-03-18T09:00"), watchdog=lambda: None)
        register_jobs(scheduler, ctx)  # again: replaced, not doubled
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert set(jobs) == {spec.id for spec in JOBS} | {"secbot.lock_watch"}
    for spec in JOBS:
        job = jobs[spec.id]
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert job.misfire_grace_time == spec.misfire_grace
        assert str(job.trigger.timezone) == "Europe/London"
    assert jobs["secbot.reminders"].misfire_grace_time < 60


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (london("2019-03-29T09:30"), datetime(2019, 4, 1, 9, tzinfo=LONDON)),  # into BST
        (london("2019-10-25T09:30"), datetime(2019, 10, 28, 9, tzinfo=LONDON)),  # back to GMT
    ],
)
def test_the_digest_fires_at_nine_london_across_clock_changes(
    after: datetime, expected: datetime
) -> None:
    digest = next(spec for spec in JOBS if spec.id == "secbot.digest")
    fire = digest.trigger(LONDON).get_next_fire_time(None, after)
    assert fire == expected
    assert fire.utcoffset() == expected.utcoffset()


@SQLITE_ONLY
def test_a_failing_job_is_logged_recorded_and_does_not_stop_the_others(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "all")
    ctx = make_ctx(loaded, fake_slack)

    def broken(surface: str, kind: str, **context: object) -> str:
        raise RuntimeError("template missing")

    ctx.render = broken
    results = run_all_once(ctx, london("2019-03-18T09:00"))
    assert results["secbot.digest"] is None and results["secbot.reminders"] is None
    assert results["secbot.housekeeping"] is not None
    with transaction(loaded) as session:
        run = get_job_run(session, job_id="secbot.reminders")
        assert run is not None
        assert (run.failures, run.last_ok_at) == (1, None)
        assert "template missing" in (run.last_error or "")
    assert run_job("ok", lambda c, now: {"n": 1}, ctx, london("2019-03-18T09:00")) == {"n": 1}


@SQLITE_ONLY
def test_the_digest_lists_the_coming_week_once_a_working_day(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "all")
    subscribe(loaded, "C2", "deadlines")  # the digest is for "all" channels
    ctx = make_ctx(loaded, fake_slack)
    assert enqueue_digests(ctx, london("2019-03-18T09:00")) == {"enqueued": 1}
    assert enqueue_digests(ctx, london("2019-03-18T10:00")) == {"enqueued": 0}
    # Sunday: no digest of its own; the last 48 h hold no Working Day's 09:00 either.
    assert enqueue_digests(ctx, london("2019-03-24T10:00")) == {"enqueued": 0}
    (row,) = rows(loaded)
    assert (row.reminder_key, row.recipient) == ("digest:daily:2019-03-18", "C1")
    text = row.payload["text"]
    assert text.startswith("SEC dates from Monday 18 March 2019 to Monday 25 March 2019")
    assert "Wednesday 20 March 2019: Working Group agenda closes" in text
    for block in row.payload["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    json.dumps(row.payload)


def test_pacer_spaces_messages_per_channel() -> None:
    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    pacer = Pacer(1.0, clock=lambda: clock[0], sleep=sleep)
    pacer.wait("C1")
    pacer.wait("C2")  # another channel: no wait
    clock[0] += 0.25
    pacer.wait("C1")
    pacer.wait("C1")
    assert slept == [pytest.approx(0.75), pytest.approx(1.0)]


def test_retry_after_reads_header_lists_and_strings() -> None:
    assert retry_after({"Retry-After": ["30"]}) == 30
    assert retry_after({"retry-after": "2"}) == 2
    assert retry_after({}) == 1
    assert retry_after({"Retry-After": "soon"}) == 1


def test_outbox_rules_back_off_but_honour_retry_after() -> None:
    from jobs.context import OutboxRules

    rules = OutboxRules()
    assert rules.retry_delay(1, None) == timedelta(seconds=30)
    assert rules.retry_delay(3, None) == timedelta(minutes=2)
    assert rules.retry_delay(20, None) == timedelta(minutes=30)
    assert rules.retry_delay(1, 120) == timedelta(minutes=2)
