"""The reminders job against the fake Slack: once, late, skipped, recovered, rate limited."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session, sessionmaker

from jobs.context import JobContext
from jobs.dispatch import dispatch_due, reminders_job
from jobs.payloads import metadata
from jobs.registry import run_all_once
from jobs.senders.slack import make_client
from storage.db import transaction
from storage.outbox import NewDelivery, enqueue_deliveries, list_deliveries
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import TOKEN, london, make_ctx, posted, rows, subscribe

# Backend-neutral behaviour (Slack's side) runs on SQLite only, to keep the file quick.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])
AGENDA = "agenda_deadline:wg-2019-04@secbot:2019-03-20-2wd"
WG_DAY_BEFORE = "meeting:wg-2019-04@secbot:2019-04-03-1wd"


def test_done_when_agenda_then_nothing_new_then_the_meeting(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "all")
    run_all_once(make_ctx(loaded, fake_slack), london("2019-03-18T09:00"))
    assert ("C1", AGENDA) in posted(fake_slack)
    (call,) = [
        c for c in fake_slack.calls("chat.postMessage") if c.args["metadata"] == metadata(AGENDA)
    ]
    assert "Wednesday 20 March 2019" in call.args["text"]
    assert "10 Working Days before the Working Group on Wednesday 3 April 2019" in call.args["text"]
    for block in call.args["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    before = len(posted(fake_slack))
    run_all_once(make_ctx(loaded, fake_slack), london("2019-03-18T09:00"))
    assert len(posted(fake_slack)) == before
    run_all_once(make_ctx(loaded, fake_slack), london("2019-04-02T09:00"))
    assert ("C1", WG_DAY_BEFORE) in posted(fake_slack)
    keys = [key for _, key in posted(fake_slack)]
    assert len(keys) == len(set(keys))
    states = {r.reminder_key: r.state for r in rows(loaded)}
    assert states[AGENDA] == "sent" and states[WG_DAY_BEFORE] == "sent"
    # Reminders due between the two runs and more than 24 h old were recorded, not sent.
    assert states["papers_deadline:wg-2019-04@secbot:2019-03-27-0wd"] == "skipped"


def test_down_at_nine_up_at_three_sends_late(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "deadlines")
    reminders_job(make_ctx(loaded, fake_slack), london("2019-03-18T15:00"))
    (row,) = [r for r in rows(loaded) if r.reminder_key == AGENDA]
    assert (row.state, row.sent_at) == ("late_sent", london("2019-03-18T15:00"))
    call = fake_slack.calls("chat.postMessage")[0]
    assert "Sent late: this was due Monday 18 March 2019, 09:00" in call.args["text"]
    assert call.args["blocks"][-1]["type"] == "context"


def test_thirty_hours_late_is_skipped_and_recorded(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "C1", "deadlines")
    reminders_job(make_ctx(loaded, fake_slack), london("2019-03-18T08:59"))
    assert fake_slack.calls("chat.postMessage") == []
    reminders_job(make_ctx(loaded, fake_slack), london("2019-03-19T15:00"))
    (row,) = [r for r in rows(loaded) if r.reminder_key == AGENDA]
    assert row.state == "skipped" and "more than 24 h late" in (row.last_error or "")
    assert AGENDA not in [key for _, key in posted(fake_slack)]


@SQLITE_ONLY
def test_topics_pick_what_each_channel_hears(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "CMEET", "meetings")
    subscribe(loaded, "CDEAD", "deadlines")
    subscribe(loaded, "CREF", "ref", "SECMP0010")
    subscribe(loaded, "CALL", "all")
    subscribe(loaded, "CALL", "meetings")  # two subscriptions, still one message a reminder
    subscribe(loaded, "COTHER", "ref", "MP159")
    subscribe(loaded, "CREL", "release", "November 2021")
    window = timedelta(days=16)
    reminders_job(
        make_ctx(loaded, fake_slack, lookback=window, catch_up=window), london("2019-04-02T09:00")
    )
    heard: dict[str, list[str]] = {}
    for channel, key in posted(fake_slack):
        heard.setdefault(channel, []).append(key)
    kinds = {channel: {key.split(":")[0] for key in keys} for channel, keys in heard.items()}
    assert {"meeting", "papers_deadline", "agenda_deadline", "dcc_preliminary_assessment"} <= (
        kinds["CMEET"]
    )
    assert "meeting" not in kinds["CDEAD"] and "papers_deadline" in kinds["CDEAD"]
    assert kinds["CREF"] == {"dcc_preliminary_assessment"}
    assert all(":SECMP0010:" in key for key in heard["CREF"])
    assert sorted(heard["CALL"]) == sorted(heard["CMEET"])
    assert len(heard["CALL"]) == len(set(heard["CALL"]))
    assert "COTHER" not in heard and "CREL" not in heard


@SQLITE_ONLY
def test_a_subscription_hears_only_what_falls_due_after_it(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "CNEW", "all", at=london("2019-03-18T10:00"))
    reminders_job(make_ctx(loaded, fake_slack), london("2019-03-18T11:00"))
    assert posted(fake_slack) == []


def _row(sessions: sessionmaker[Session], key: str = "k1", channel: str = "C1") -> None:
    payload = {"text": "hello", "blocks": [], "metadata": metadata(key), "late_note": "late"}
    with transaction(sessions) as session:
        enqueue_deliveries(
            session,
            rows=[
                NewDelivery(key, "meeting", "slack", channel, london("2019-03-18T09:00"), payload)
            ],
            now=london("2019-03-18T08:00"),
        )


def _claim_as_crashed_worker(sessions: sessionmaker[Session], ctx: JobContext) -> None:
    from storage.outbox import claim_due

    with transaction(sessions) as session:
        claim_due(
            session,
            now=london("2019-03-18T09:00"),
            worker_id="crashed",
            claimed_at=london("2019-03-18T09:00"),
            surfaces=["slack"],
        )


def test_crash_after_slack_accepted_is_adopted_not_reposted(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    ctx = make_ctx(loaded, fake_slack)
    _row(loaded)
    _claim_as_crashed_worker(loaded, ctx)
    # The crashed worker's post reached Slack before it died.
    accepted = make_client(TOKEN, fake_slack.base_url).chat_postMessage(
        channel="C1", text="hello", metadata=metadata("k1")
    )
    counts = dispatch_due(ctx, london("2019-03-18T09:00:30"))
    assert counts == {"recovered": 1, "sent": 1}
    assert len(fake_slack.calls("chat.postMessage")) == 1
    history = fake_slack.calls("conversations.history")
    assert history and history[0].args["include_all_metadata"] in ("1", "true", True)
    assert rows(loaded)[0].message_ts == accepted["ts"]


def test_crash_before_slack_accepted_posts_once(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    ctx = make_ctx(loaded, fake_slack)
    _row(loaded)
    _claim_as_crashed_worker(loaded, ctx)
    assert dispatch_due(ctx, london("2019-03-18T09:00:30")) == {"recovered": 1, "sent": 1}
    assert posted(fake_slack) == [("C1", "k1")]


@SQLITE_ONLY
def test_without_the_lock_a_fresh_claim_is_not_taken_over(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    ctx = make_ctx(loaded, fake_slack, exclusive=False, clock=london("2019-03-18T09:00:30"))
    _row(loaded)
    _claim_as_crashed_worker(loaded, ctx)
    assert dispatch_due(ctx, london("2019-03-18T09:00:30")) == {}
    assert rows(loaded)[0].state == "sending"
    # Ten minutes on, the claim is stale even without the lock: looked for, then posted.
    ctx = make_ctx(loaded, fake_slack, exclusive=False, clock=london("2019-03-18T09:10:01"))
    assert dispatch_due(ctx, london("2019-03-18T09:10:01")) == {"recovered": 1, "sent": 1}
    assert len(fake_slack.calls("conversations.history")) == 1


@SQLITE_ONLY
def test_429_storm_is_waited_out_inside_the_client(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    _row(loaded)
    fake_slack.script("chat.postMessage", status=429, retry_after=1, times=1)
    started = time.monotonic()
    counts = dispatch_due(make_ctx(loaded, fake_slack), london("2019-03-18T09:00"))
    assert counts == {"sent": 1}
    assert time.monotonic() - started >= 1  # Retry-After honoured
    assert len(fake_slack.calls("chat.postMessage")) == 2
    assert len(fake_slack.messages("C1")) == 1


@SQLITE_ONLY
def test_long_429_storm_backs_off_then_dead_letters(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    _row(loaded)
    fake_slack.script("chat.postMessage", status=429, retry_after=30, times=1000)
    now = london("2019-03-18T09:00")
    ctx = make_ctx(loaded, fake_slack, max_attempts=3)
    assert dispatch_due(ctx, now) == {"retry": 1}
    row = rows(loaded)[0]
    assert row.state == "pending" and row.next_attempt_at == now + timedelta(seconds=30)
    assert dispatch_due(ctx, now + timedelta(seconds=29)) == {}  # not before Retry-After
    assert dispatch_due(ctx, now + timedelta(seconds=30)) == {"retry": 1}
    assert dispatch_due(ctx, now + timedelta(minutes=5)) == {"dead": 1}
    with transaction(loaded) as session:
        (dead,) = list_deliveries(session, state="dead")
    assert dead.attempts == 3 and "gave up after 3 tries" in (dead.last_error or "")
    assert fake_slack.messages("C1") == []


@SQLITE_ONLY
def test_server_error_is_retried_and_looked_for_first(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    _row(loaded)
    fake_slack.script("chat.postMessage", status=500)
    now = london("2019-03-18T09:00")
    ctx = make_ctx(loaded, fake_slack)
    assert dispatch_due(ctx, now) == {"retry": 1}
    assert fake_slack.calls("conversations.history") == []
    assert dispatch_due(ctx, now + timedelta(minutes=1)) == {"sent": 1}
    assert len(fake_slack.calls("conversations.history")) == 1
    assert len(fake_slack.messages("C1")) == 1


@SQLITE_ONLY
def test_permanent_error_dead_letters_at_once(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    _row(loaded)
    fake_slack.script("chat.postMessage", error="channel_not_found")
    assert dispatch_due(make_ctx(loaded, fake_slack), london("2019-03-18T09:00")) == {"dead": 1}
    assert rows(loaded)[0].last_error == "channel_not_found"


@SQLITE_ONLY
def test_a_slow_channel_does_not_hold_up_another(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    _row(loaded, "slow", "CSLOW")
    _row(loaded, "quick", "CQUICK")
    fake_slack.script("chat.postMessage", delay=1.5)  # whichever is first is slow
    ctx = make_ctx(loaded, fake_slack)
    worker = threading.Thread(target=dispatch_due, args=(ctx, london("2019-03-18T09:00")))
    worker.start()
    fake_slack.wait_for("chat.postMessage", count=2, timeout=1.2)
    deadline = time.monotonic() + 1
    while (
        time.monotonic() < deadline
        and len(fake_slack.messages("CQUICK")) + len(fake_slack.messages("CSLOW")) < 1
    ):
        time.sleep(0.05)
    # One message is already in while the other channel's call still sleeps at the fake.
    assert len(fake_slack.messages("CQUICK")) + len(fake_slack.messages("CSLOW")) == 1
    worker.join()
    assert {r.state for r in rows(loaded)} == {"sent"}


class RecordingSender:
    """A stand-in sender for a second surface: records what it was given."""

    surface = "teams"

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, delivery, *, late, too_old):  # type: ignore[no-untyped-def]
        from jobs.context import SendResult

        self.sent.append(delivery.recipient)
        return SendResult("sent", ts="teams-1")


@SQLITE_ONLY
def test_teams_subscriptions_and_contacts_get_their_own_rows(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    from sqlalchemy import select

    from storage.models import Contact, Modification
    from storage.subscriptions import create_subscription

    with transaction(loaded) as session:
        create_subscription(
            session,
            surface="teams",
            channel="19:abc@thread.tacv2",
            topic="deadlines",
            created_by="t",
            at=london("2017-01-01T00:00"),
        )
        mod = session.scalar(select(Modification).where(Modification.ref == "SECMP0007"))
        session.add(
            Contact(
                modification_id=mod.id,
                role="follower",
                teams_user_id="aad-1",
                slack_user_id="UFOLLOW",
            )
        )
    ctx = make_ctx(loaded, fake_slack)
    teams = RecordingSender()
    ctx.senders = {**ctx.senders, "teams": teams}
    reminders_job(ctx, london("2019-03-18T09:00"))
    by_surface = {(r.surface, r.recipient): r for r in rows(loaded)}
    assert set(by_surface) == {
        ("teams", "19:abc@thread.tacv2"),
        ("teams", "aad-1"),
        ("slack", "UFOLLOW"),
    }
    assert by_surface[("teams", "aad-1")].payload["card"]["type"] == "AdaptiveCard"
    assert sorted(teams.sent) == ["19:abc@thread.tacv2", "aad-1"]
    assert [c.args["channel"] for c in fake_slack.calls("chat.postMessage")] == ["DFOLLOW"]
