"""`subscribe … condensed | full | broadcast`: one line a change, and stage changes broadcast
from the modification's thread to the channel (reply_broadcast), other edits not."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.router import Context, build_router
from jobs.dispatch import dispatch_due
from storage.changes import UPDATE, Change
from storage.db import transaction
from storage.models import Subscription
from storage.subscription_options import notice_options
from tests.bot.slack.block_kit import within_limits
from tests.fakes.slack_api import FakeSlack
from tests.jobs.test_change_notices import ctx_for, posts, record, run, stage


def subscribe(sessions: sessionmaker[Session], channel: str, text: str) -> str:
    ctx = Context(as_of=__import__("datetime").date(2026, 12, 1), channel=channel, surface="slack")
    return str(build_router(sessions).answer(f"subscribe {text}", ctx).model.text)


def status(ref: str, after: str) -> Change:
    return Change(UPDATE, ref, "status", "the SECAS page", event="status", ref=ref, after=after)


def test_options_are_read_from_the_command_and_said(loaded: sessionmaker[Session]) -> None:
    said = subscribe(loaded, "C1", "MP159 condensed broadcast")
    assert "one line a change" in said and "stage changes also to the channel" in said
    assert "full change notices" in subscribe(loaded, "C1", "MP159 full")  # changed in place
    with transaction(loaded) as session:
        [row] = session.scalars(select(Subscription).where(Subscription.channel == "C1")).all()
        assert (row.topic, row.value, row.format, row.broadcast) == ("ref", "MP159", "full", True)
        # A second, condensed subscription hearing the same subject does not condense it.
        subscribe(loaded, "C1", "changes condensed")
        both = notice_options(session, surface="slack", channel="C1", ref="MP159", releases=[])
        assert both.condensed is False and both.broadcast is True


def test_condensed_notices_are_one_line(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "changes condensed")
    record(loaded, [stage("MP159", "Refinement Process", "Report Phase"), status("MP159", "New")])
    run(ctx_for(loaded, fake_slack))

    [post] = posts(fake_slack, "C1")
    assert post["text"].count("\n") == 0
    assert "Stage moved from Refinement Process to Report Phase; Latest update: New" in post["text"]
    within_limits(post["blocks"])
    assert len(post["blocks"]) == 1


def test_broadcast_sends_stage_changes_to_the_channel_only(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "MP159 broadcast")
    ctx = ctx_for(loaded, fake_slack)
    record(loaded, [stage("MP159", "Refinement Process", "Report Phase")])
    run(ctx)  # the thread's parent
    record(loaded, [status("MP159", "Report drafted")])
    run(ctx)
    record(loaded, [stage("MP159", "Report Phase", "Change Board")])
    run(ctx)

    parent, edit, moved = posts(fake_slack, "C1")
    assert "thread_ts" not in parent
    assert edit["thread_ts"] == moved["thread_ts"]
    assert "reply_broadcast" not in edit  # a latest-update edit stays in the thread
    assert moved["reply_broadcast"] in (True, "true", "1")


def test_a_reminder_about_one_modification_goes_in_its_thread_condensed(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    from jobs.plan import enqueue_due
    from storage.subscription_options import set_options
    from tests.jobs.conftest import london
    from tests.jobs.conftest import subscribe as subscribe_since_2017

    subscribe_since_2017(loaded, "C1", "ref", "MP121")
    with transaction(loaded) as session:
        [row] = session.scalars(select(Subscription).where(Subscription.channel == "C1")).all()
        set_options(session, row.id, format="condensed", broadcast=None)
    record(loaded, [stage("MP121", "Report Phase", "Change Board")])
    run(ctx_for(loaded, fake_slack))  # the change notice starts MP121's thread
    [parent] = fake_slack.messages("C1")

    at = london("2021-09-28T09:05")  # the Working Day before MP121's Change Board vote
    ctx = ctx_for(loaded, fake_slack)
    ctx.clock = ctx.wall_clock = lambda: at
    enqueue_due(ctx, at)
    dispatch_due(ctx, at)

    reminders = posts(fake_slack, "C1")[1:]
    assert reminders and all(r["thread_ts"] == parent["ts"] for r in reminders)
    assert all("\n" not in r["text"] and len(r["blocks"]) == 1 for r in reminders)
    assert any("MP121" in r["text"] for r in reminders)
