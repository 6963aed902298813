"""Live trackers: `/sec tracker release Feb 2022` through the signed HTTP stack, then the worker
creates the channel canvas through the outbox and rewrites it once per change, never otherwise;
free workspaces get one pinned message edited in place; `tracker off` stops it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.answers.tracker_content import tracker_content
from bot.templating import render
from jobs.context import JobContext, OutboxRules
from jobs.dispatch import dispatch_due
from jobs.pacing import Pacer
from jobs.senders.slack import SlackSender, make_client
from jobs.trackers import trackers_job
from sec.timefmt import LONDON
from storage.db import transaction
from storage.delivery_models import Delivery
from storage.models import Modification
from storage.tracker_models import Tracker
from storage.trackers import TrackerBook
from tests.bot.slack.block_kit import within_limits
from tests.bot.slack.conftest import BOT_TOKEN, SlackDriver, Store, both_databases
from tests.fakes.slack_api import FakeSlack

NOW = datetime(2021, 9, 22, 10, 0, tzinfo=LONDON)
WRITES = ("conversations.canvases.create", "canvases.edit", "chat.postMessage", "chat.update")


def ctx_for(store: Store, fake: FakeSlack) -> JobContext:
    client = make_client(BOT_TOKEN, fake.base_url, timeout=5)
    sender = SlackSender(client, Pacer(0), trackers=TrackerBook(store.sessions))
    ctx = JobContext(
        sessions=store.sessions,
        render=render,
        senders={"slack": sender},
        rules=OutboxRules(),
        tracker_content=tracker_content,
    )
    ctx.clock = ctx.wall_clock = lambda: NOW
    return ctx


def run(ctx: JobContext) -> dict[str, int]:
    counts = dict(trackers_job(ctx, NOW))
    counts.update(dispatch_due(ctx, NOW))
    return counts


def writes(fake: FakeSlack) -> list[str]:
    return [c.method for c in fake.calls() if c.method in WRITES]


def ask(slack: SlackDriver, text: str) -> str:
    before = len(slack.fake.calls("response_url"))
    assert slack.command(text).status_code == 200
    return str(slack.fake.wait_for("response_url", count=before + 1)[-1].args["text"])


def change_status(store: Store, ref: str, status: str) -> None:
    """What a sync or an administrator does: a fact changes (the store revision moves)."""
    with transaction(store.sessions) as session:
        mod = session.scalar(select(Modification).where(Modification.ref == ref))
        assert mod is not None
        mod.status = status


@both_databases
def test_a_tracker_canvas_is_created_then_rewritten_once_per_change(
    slack: SlackDriver, store: Store, fake_slack: FakeSlack
) -> None:
    said = ask(slack, "tracker release Feb 2022")
    assert "canvas in this channel" in said and "February 2022 SEC Release" in said
    ctx = ctx_for(store, fake_slack)

    run(ctx)
    created = fake_slack.calls("conversations.canvases.create")
    assert len(created) == 1 and created[0].args["channel_id"] == "C0CHAN"
    markdown = fake_slack.canvas("F0CANVAS001")["markdown"]
    assert markdown.startswith("# February 2022 SEC Release")
    assert "| Modification | Title | Stage | Latest update | Next date |" in markdown
    assert "| [MP159](https://smartenergycodecompany.co.uk/modifications/credit-cover-review/)" in (
        markdown
    )
    assert "**Go\\-live**" not in markdown and "**Go-live**: Thursday 24 February 2022" in markdown

    run(ctx)  # nothing changed: nothing written
    assert writes(fake_slack) == ["conversations.canvases.create"]

    # One change set touching two modifications of the release: one rewrite.
    change_status(store, "MP159", "Working Group <!channel> agreed | consult next")
    change_status(store, "MP121", "The Change Board approved it")
    run(ctx)
    run(ctx)
    assert writes(fake_slack) == ["conversations.canvases.create", "canvases.edit"]
    canvas = fake_slack.canvas("F0CANVAS001")
    assert canvas["edits"] == 1
    assert "Working Group \\<\\!channel\\> agreed \\| consult next" in canvas["markdown"]
    assert "The Change Board approved it" in canvas["markdown"]

    change_status(store, "MP154", "an unrelated change outside the scope rows")  # removed entry
    run(ctx)
    assert writes(fake_slack) == ["conversations.canvases.create", "canvases.edit"]


def test_a_free_workspace_gets_one_pinned_message_edited_in_place(
    slack: SlackDriver, store: Store, fake_slack: FakeSlack
) -> None:
    fake_slack.script(
        "conversations.canvases.create", error="free_teams_cannot_create_non_tab_canvases"
    )
    ask(slack, "tracker release Feb 2022")
    ctx = ctx_for(store, fake_slack)

    run(ctx)
    posted = fake_slack.calls("chat.postMessage")
    assert len(posted) == 1
    ts = fake_slack.messages("C0CHAN")[-1]["ts"]
    assert fake_slack.pinned("C0CHAN") == [ts]
    blocks = fake_slack.messages("C0CHAN")[-1]["blocks"]
    within_limits(blocks)
    assert any(b["type"] == "table" for b in blocks)
    assert "Canvases are not available" in blocks[-1]["elements"][0]["text"]

    change_status(store, "MP121", "The Change Board approved it")
    run(ctx)
    updates = fake_slack.calls("chat.update")
    assert len(updates) == 1 and updates[0].args["ts"] == ts
    assert len(fake_slack.calls("chat.postMessage")) == 1  # edited in place, not reposted
    assert "`release Feb 2022`: a pinned message" in ask(slack, "tracker")  # what it tracks
    with transaction(store.sessions) as session:
        tracker = session.scalars(select(Tracker)).one()
        assert tracker.form == "pinned" and tracker.message_ts == ts


def test_tracker_off_stops_the_rewrites(
    slack: SlackDriver, store: Store, fake_slack: FakeSlack
) -> None:
    ask(slack, "tracker release Feb 2022")
    ctx = ctx_for(store, fake_slack)
    run(ctx)
    assert "Stopped `release Feb 2022`" in ask(slack, "tracker off")

    change_status(store, "MP159", "Changed after the tracker stopped")
    run(ctx)
    assert writes(fake_slack) == ["conversations.canvases.create"]
    assert "no tracker" in ask(slack, "tracker off")


def test_a_superseded_rewrite_is_skipped_and_the_latest_wins(
    slack: SlackDriver, store: Store, fake_slack: FakeSlack
) -> None:
    ask(slack, "tracker release Feb 2022")
    ctx = ctx_for(store, fake_slack)
    run(ctx)
    change_status(store, "MP159", "first change")
    trackers_job(ctx, NOW)  # queued, not yet sent
    change_status(store, "MP159", "second change")
    run(ctx)

    with transaction(store.sessions) as session:
        states = sorted(str(d.state) for d in session.scalars(select(Delivery)))
    assert states == ["sent", "sent", "skipped"]
    assert "second change" in fake_slack.canvas("F0CANVAS001")["markdown"]
    assert fake_slack.canvas("F0CANVAS001")["edits"] == 1


def test_bad_tracker_commands_say_what_works(slack: SlackDriver) -> None:
    assert "nothing to track" in ask(slack, "tracker release Nov 2099")
    assert "can't track" in ask(slack, "tracker everything please")
    assert "tracker list" in ask(slack, "tracker list nonsense:words")
