"""`@secbot subscribe MP159` typed inside a thread (slash commands carry no thread) subscribes
the channel with MP159's notices in that thread; the person's first message is never edited."""

from __future__ import annotations

from datetime import datetime

from bot.templating import render
from jobs.change_notices import change_notices_job
from jobs.context import JobContext, OutboxRules
from jobs.dispatch import dispatch_due
from jobs.pacing import Pacer
from jobs.senders.slack import SlackSender, make_client
from sec.timefmt import LONDON
from storage.change_events import record_events
from storage.change_threads import ThreadBook
from storage.changes import UPDATE, Change
from storage.db import transaction
from tests.bot.slack.conftest import BOT_TOKEN, SlackDriver, Store
from tests.fakes.slack_api import BOT_USER_ID

ROOT = "1700000300.000100"  # the person's message that started the thread
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


def mention(text: str, ts: str, thread_ts: str | None = ROOT) -> dict:
    event = {"type": "app_mention", "user": "U0ASKER", "text": f"<@{BOT_USER_ID}> {text}"}
    event |= {"ts": ts, "event_ts": ts, "channel": "C0CHAN"}
    return event | ({"thread_ts": thread_ts} if thread_ts else {})


def notify(store: Store, slack: SlackDriver, after: str) -> None:
    change = Change(UPDATE, "MP159", "stage", "the SECAS page", event="stage", ref="MP159")
    change = Change(**{**change.__dict__, "before": "Refinement Process", "after": after})
    with transaction(store.sessions) as session:
        record_events(session, [change], document_id=None, sync_run_id=None, baseline=False)
    client = make_client(BOT_TOKEN, slack.fake.base_url, timeout=5)
    sender = SlackSender(client, Pacer(0), threads=ThreadBook(store.sessions))
    ctx = JobContext(sessions=store.sessions, render=render, senders={"slack": sender})
    ctx.rules, ctx.clock, ctx.wall_clock = OutboxRules(), (lambda: NOW), (lambda: NOW)
    change_notices_job(ctx, NOW)
    dispatch_due(ctx, NOW)


def test_subscribing_in_a_thread_puts_the_notices_there(slack: SlackDriver, store: Store) -> None:
    slack.event(mention("subscribe MP159 condensed", "1700000300.000200"), event_id="Ev1")
    answer = slack.fake.wait_for("chat.postMessage")[0].args
    assert answer["thread_ts"] == ROOT
    assert "posted in this thread" in answer["text"] and "one line a change" in answer["text"]

    notify(store, slack, "Report Phase")
    notify(store, slack, "Change Board")

    notices = [c.args for c in slack.fake.calls("chat.postMessage")][1:]
    assert len(notices) == 2 and {n["thread_ts"] for n in notices} == {ROOT}
    assert "Stage moved from Refinement Process to Report Phase" in notices[0]["text"]
    assert slack.fake.calls("chat.update") == []  # the person's first message is theirs


def test_a_topic_that_cannot_live_in_a_thread_subscribes_the_channel(slack: SlackDriver) -> None:
    slack.event(mention("subscribe meetings", "1700000300.000300"), event_id="Ev2")
    answer = slack.fake.wait_for("chat.postMessage")[0].args
    assert "subscribes the channel" in answer["text"]
