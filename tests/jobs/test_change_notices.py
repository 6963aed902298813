"""Change notices through the outbox to the fake Slack: once, threaded, grouped, no baseline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.templating import render
from jobs.change_notices import THREAD_LIMIT, change_notices_job
from jobs.context import JobContext, OutboxRules
from jobs.dispatch import dispatch_due
from jobs.pacing import Pacer
from jobs.senders.slack import SlackSender, make_client
from sec.timefmt import LONDON
from storage.change_event_models import ThreadParent
from storage.change_events import record_events
from storage.change_threads import ThreadBook
from storage.changes import ADD, UPDATE, Change
from storage.db import transaction
from storage.delivery_models import Delivery
from storage.models import Contact, Modification
from storage.subscriptions import create_subscription
from tests.fakes.slack_api import FakeSlack

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


def ctx_for(sessions: sessionmaker[Session], fake: FakeSlack) -> JobContext:
    client = make_client("xoxb-test", fake.base_url, timeout=5)
    sender = SlackSender(client, Pacer(0), threads=ThreadBook(sessions))
    ctx = JobContext(
        sessions=sessions, render=render, senders={"slack": sender}, rules=OutboxRules()
    )
    ctx.clock = ctx.wall_clock = lambda: NOW
    return ctx


def subscribe(sessions: sessionmaker[Session], channel: str, topic: str, value: str = "") -> None:
    with transaction(sessions) as session:
        create_subscription(
            session,
            surface="slack",
            channel=channel,
            topic=topic,
            value=value,
            created_by="test",
            at=NOW,
        )


def stage(ref: str, before: str, after: str) -> Change:
    return Change(
        UPDATE,
        ref,
        f"stage {before} -> {after}",
        "the SECAS page",
        event="stage",
        ref=ref,
        before=before,
        after=after,
    )


def record(
    sessions: sessionmaker[Session],
    changes: list[Change],
    *,
    run: int | None = None,
    baseline: bool = False,
) -> int:
    with transaction(sessions) as session:
        return record_events(session, changes, document_id=None, sync_run_id=run, baseline=baseline)


def run(ctx: JobContext) -> dict[str, int]:
    counts = dict(change_notices_job(ctx, NOW))
    counts.update(dispatch_due(ctx, NOW))
    return counts


def posts(fake: FakeSlack, channel: str) -> list[dict]:
    return [c.args for c in fake.calls("chat.postMessage") if c.args.get("channel") == channel]


def test_a_change_reaches_changes_subscribers_once(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "changes")
    ctx = ctx_for(loaded, fake_slack)
    record(loaded, [stage("MP159", "Refinement Process", "Implemented")], run=None)
    first = run(ctx)
    assert first.get("change_notices") == 1 and first.get("sent") == 1
    [post] = posts(fake_slack, "C1")
    assert "MP159" in post["text"] and "Implemented" in post["text"]
    assert "thread_ts" not in post
    again = run(ctx)
    assert again.get("change_notices") is None and again.get("sent") is None
    assert len(posts(fake_slack, "C1")) == 1


def test_a_second_change_replies_in_the_thread_and_updates_the_parent(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "changes")
    ctx = ctx_for(loaded, fake_slack)
    record(loaded, [stage("MP159", "Refinement Process", "Report Phase")])
    run(ctx)
    [parent] = fake_slack.messages("C1")
    record(loaded, [stage("MP159", "Report Phase", "Implemented")])
    run(ctx)
    calls = posts(fake_slack, "C1")
    assert len(calls) == 2 and calls[1]["thread_ts"] == parent["ts"]
    [update] = fake_slack.calls("chat.update")
    assert update.args["ts"] == parent["ts"] and "Implemented" in update.args["text"]
    with transaction(loaded) as session:
        rows = session.scalars(select(ThreadParent)).all()
        assert [(r.channel, r.ref, r.message_ts) for r in rows] == [("C1", "MP159", parent["ts"])]


def test_many_changes_for_one_recipient_are_one_digest(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "changes")
    with transaction(loaded) as session:
        refs = list(session.scalars(select(Modification.ref).order_by(Modification.id).limit(12)))
    assert len(refs) > THREAD_LIMIT
    record(loaded, [stage(ref, "Refinement Process", "Report Phase") for ref in refs], run=None)
    counts = run(ctx_for(loaded, fake_slack))
    assert counts.get("change_notices") == 1
    [post] = posts(fake_slack, "C1")
    assert f"{len(refs)} modifications and releases changed" in post["text"]
    assert all(ref in post["text"] for ref in refs)


def test_the_baseline_notifies_nobody(loaded: sessionmaker[Session], fake_slack: FakeSlack) -> None:
    subscribe(loaded, "C1", "changes")
    assert record(loaded, [stage("MP159", "Refinement Process", "Implemented")], baseline=True)
    counts = run(ctx_for(loaded, fake_slack))
    assert counts.get("change_notices") is None
    assert posts(fake_slack, "C1") == []
    with transaction(loaded) as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_who_hears_what(loaded: sessionmaker[Session], fake_slack: FakeSlack) -> None:
    subscribe(loaded, "C-REF", "ref", "MP159")
    subscribe(loaded, "C-OTHER", "ref", "MP154")
    subscribe(loaded, "C-REL", "release", "June 2022")
    with transaction(loaded) as session:
        mod = session.scalars(select(Modification).where(Modification.ref == "MP159")).one()
        session.add(Contact(modification_id=mod.id, role="proposer", slack_user_id="UPROP"))
        session.add(Contact(modification_id=mod.id, role="follower", slack_user_id="UFOLLOW"))
    scope = Change(
        ADD,
        "June 2022",
        "scope + MP159",
        "the SECAS page",
        event="scope_added",
        ref="MP159",
        release="June 2022",
    )
    record(loaded, [stage("MP159", "Approved", "Implemented"), scope])
    run(ctx_for(loaded, fake_slack))
    assert len(posts(fake_slack, "C-REF")) == 1
    assert len(posts(fake_slack, "C-REL")) == 1
    assert posts(fake_slack, "C-OTHER") == []
    dms = {c.args["channel"] for c in fake_slack.calls("chat.postMessage")} - {"C-REF", "C-REL"}
    assert dms == {"DPROP", "DFOLLOW"}  # the fake opens D<user> for U<user>


def test_stored_text_is_escaped(loaded: sessionmaker[Session], fake_slack: FakeSlack) -> None:
    subscribe(loaded, "C1", "changes")
    status = Change(
        UPDATE,
        "MP159",
        "status",
        "the SECAS page",
        event="status",
        ref="MP159",
        after="<!channel> approved <https://evil.example|here>",
    )
    record(loaded, [status])
    run(ctx_for(loaded, fake_slack))
    [post] = posts(fake_slack, "C1")
    assert "<!channel>" not in post["text"] and "<!channel>" not in str(post["blocks"])


def test_a_deleted_parent_starts_a_new_thread(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "changes")
    ctx = ctx_for(loaded, fake_slack)
    record(loaded, [stage("MP159", "Refinement Process", "Report Phase")])
    run(ctx)
    [old_parent] = fake_slack.messages("C1")
    fake_slack.script("chat.postMessage", error="thread_not_found")  # the reply is refused
    record(loaded, [stage("MP159", "Report Phase", "Implemented")])
    counts = run(ctx)
    assert counts.get("sent") == 1
    fresh = posts(fake_slack, "C1")[-1]
    assert "thread_ts" not in fresh
    with transaction(loaded) as session:
        [row] = session.scalars(select(ThreadParent)).all()
        assert row.message_ts != old_parent["ts"]


def test_a_go_live_move_reaches_the_release_subscribers(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C-REL", "release", "November 2022")
    subscribe(loaded, "C-JUNE", "release", "June 2022")
    moved = Change(
        UPDATE,
        "November 2022",
        "go-live",
        "the SECAS page",
        event="go_live",
        release="November 2022",
        before="3 November 2022",
        after="10 November 2022",
    )
    record(loaded, [moved])
    run(ctx_for(loaded, fake_slack))
    [post] = posts(fake_slack, "C-REL")
    assert "Go-live of the November 2022 SEC Release moved from 3 November 2022" in post["text"]
    assert posts(fake_slack, "C-JUNE") == []
    assert post["metadata"]["event_payload"]["key"].startswith("change:release:November 2022:")
