"""Quiet hours through the real outbox and the fake Slack on simulated days (freezegun): a
nudge due at 19:00 on Christmas Eve waits over two bank holidays and a weekend and goes out at
08:00 on the next Working Day, once, saying when it was due; a person's own window and "off";
channels keep their scheduled times; the clocks going back keep 08:00 at 08:00."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs.nudges import NudgePolicy
from jobs.registry import run_all_once
from sec.quiet_hours import Window, parse_window
from sec.timefmt import at_london
from storage import admin
from storage import quiet_hours as store
from storage.db import transaction
from storage.delivery_models import Delivery
from storage.models import Contact, Modification
from tests.bot.slack.block_kit import validate
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import make_ctx, posted

PROPOSER, DM = "UPROP", "DPROP"


@pytest.fixture
def backend() -> str:
    return "sqlite"


def _decision(sessions: sessionmaker[Session], ref: str, *, since: date) -> int:
    with transaction(sessions) as session:
        mod = session.scalars(select(Modification).where(Modification.ref == ref)).one()
        session.add(Contact(modification_id=mod.id, role="proposer", slack_user_id=PROPOSER))
        row = admin.create_decision(
            session,
            modification=mod,
            owner="Proposer",
            what="which option to take forward",
            since=since,
            due=None,
        )
        return row.id


def _run(
    sessions: sessionmaker[Session], fake: FakeSlack, when: datetime, policy: NudgePolicy
) -> None:
    with freeze_time(when):
        ctx = make_ctx(sessions, fake)
        ctx.nudge_policy = policy
        run_all_once(ctx, ctx.clock())


def _nudges(fake: FakeSlack, decision: int) -> list[str]:
    return [key for _, key in posted(fake) if key and key.startswith(f"nudge:{decision}:")]


def _row(sessions: sessionmaker[Session], prefix: str) -> Delivery:
    with transaction(sessions) as session:
        rows = session.scalars(select(Delivery).where(Delivery.reminder_key.like(f"{prefix}%")))
        (row,) = rows.all()
        session.expunge(row)
        return row


THURSDAY_19 = NudgePolicy(weekday=3, hour=19, admin_channel="CADMIN")


def test_a_nudge_due_at_19_on_christmas_eve_goes_out_at_08_on_tuesday_29_december(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    decision = _decision(loaded, "MP159", since=date(2026, 12, 1))
    _run(loaded, fake_slack, at_london(date(2026, 12, 24), 19, 0), THURSDAY_19)
    assert _nudges(fake_slack, decision) == []  # held: 19:00 is outside 08:00-18:00
    # A channel keeps its time: the administrators' list of unassigned decisions went at 19:00.
    assert ("CADMIN", "nudge-unassigned:2026-12-24") in posted(fake_slack)
    held = _row(loaded, f"nudge:{decision}:")
    assert held.state == "pending"
    assert held.not_before == at_london(date(2026, 12, 29), 8, 0)
    # Christmas Day and the substitute Boxing Day (Monday 28th) are bank holidays in England;
    # the weekend between; nothing goes out, and 07:59 on Tuesday is still too early.
    for when in (
        at_london(date(2026, 12, 25), 8, 0),
        at_london(date(2026, 12, 26), 12, 0),
        at_london(date(2026, 12, 28), 8, 0),
        at_london(date(2026, 12, 29), 7, 59),
    ):
        _run(loaded, fake_slack, when, THURSDAY_19)
        assert _nudges(fake_slack, decision) == [], when
    _run(loaded, fake_slack, at_london(date(2026, 12, 29), 8, 0), THURSDAY_19)
    _run(loaded, fake_slack, at_london(date(2026, 12, 29), 8, 1), THURSDAY_19)
    assert _nudges(fake_slack, decision) == [f"nudge:{decision}:2026-12-24"]  # once
    sent = _row(loaded, f"nudge:{decision}:")
    assert sent.state == "sent" and sent.sent_at == at_london(date(2026, 12, 29), 8, 0)
    (message,) = fake_slack.messages(DM)
    note = (
        "Due 19:00 Thursday 24 December 2026; held for quiet hours until 08:00 Tuesday "
        "29 December 2026."
    )
    assert message["text"].endswith(note)
    assert message["blocks"][-1] == {
        "type": "context",
        "elements": [{"type": "plain_text", "text": note}],
    }
    assert "Sent late" not in message["text"]
    validate(message["blocks"])


def test_a_persons_own_window_and_quiet_hours_off(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    decision = _decision(loaded, "MP159", since=date(2026, 12, 1))
    with transaction(loaded) as session:
        store.save_setting(
            session,
            surface="slack",
            user=PROPOSER,
            window=parse_window("07:00-20:00"),
            at=at_london(date(2026, 12, 1), 9),
        )
    _run(loaded, fake_slack, at_london(date(2026, 12, 3), 19, 0), THURSDAY_19)
    assert _nudges(fake_slack, decision) == [f"nudge:{decision}:2026-12-03"]
    with transaction(loaded) as session:
        store.save_setting(
            session, surface="slack", user=PROPOSER, window=None, at=at_london(date(2026, 12, 4), 9)
        )
        assert store.window_for(session, surface="slack", user=PROPOSER) is None
    # Off: a nudge on Christmas Eve at 19:00 goes at once, bank holiday or not.
    _run(loaded, fake_slack, at_london(date(2026, 12, 24), 19, 0), THURSDAY_19)
    assert _nudges(fake_slack, decision)[-1] == f"nudge:{decision}:2026-12-24"
    with transaction(loaded) as session:
        assert store.forget_setting(session, surface="slack", user=PROPOSER)
        assert store.window_for(session, surface="slack", user=PROPOSER) == Window(
            parse_window("08:00-18:00").start, parse_window("08:00-18:00").end
        )


def test_across_the_clocks_going_back_the_window_opens_at_08_london(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    # Friday 23 October 2026 at 19:00 (BST, 18:00 UTC); the clocks go back on Sunday 25th.
    friday = NudgePolicy(weekday=4, hour=19)
    decision = _decision(loaded, "MP159", since=date(2026, 10, 1))
    _run(loaded, fake_slack, at_london(date(2026, 10, 23), 19, 0), friday)
    held = _row(loaded, f"nudge:{decision}:")
    # Monday 26 October, 08:00 GMT: 08:00 UTC, not 07:00 as a fixed offset would give.
    assert held.not_before == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    _run(loaded, fake_slack, datetime(2026, 10, 26, 7, 30, tzinfo=UTC), friday)
    assert _nudges(fake_slack, decision) == []
    _run(loaded, fake_slack, at_london(date(2026, 10, 26), 8, 0), friday)
    assert _nudges(fake_slack, decision) == [f"nudge:{decision}:2026-10-23"]
