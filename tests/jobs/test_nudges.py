"""The nudge job through the real outbox and the fake Slack, on simulated weeks (freezegun):
the weekly DM on the nudge day (moved by a bank holiday), snoozes, escalation after three
unanswered nudges or a passed due date, people who left the workspace, contacts found by e-mail,
and who hears a decision once it is made."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.nudges import handle_nudge_action
from bot.settings import load_settings
from bot.templating import render
from jobs.nudges import NudgePolicy, due_occurrence, nudge_day
from jobs.registry import run_all_once
from sec.timefmt import LONDON, at_london
from sec.vague_dates import VagueDate
from sec.workdays import WorkingCalendar
from storage import admin
from storage.db import transaction
from storage.models import AuditEntry, Contact, Decision, Modification
from tests.bot.slack.block_kit import validate
from tests.bot.teams.card_check import card_problems
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import make_ctx, posted, rows, subscribe


@pytest.fixture
def backend() -> str:
    """SQLite here; the SQL is tested on both databases in tests/storage/test_nudges.py."""
    return "sqlite"


ADMIN_CHANNEL = "CADMIN"
CALENDAR = WorkingCalendar()


POLICY = NudgePolicy(admin_channel=ADMIN_CHANNEL)  # Monday 10:00, as the settings default


def _decision(
    sessions: sessionmaker[Session],
    ref: str,
    *,
    since: date,
    user: str | None = "UPROP",
    due: VagueDate | None = None,
    email: str | None = None,
) -> int:
    """A new Proposer decision on ``ref``, its Proposer linked to ``user`` (or e-mail only)."""
    with transaction(sessions) as session:
        mod = session.scalars(select(Modification).where(Modification.ref == ref)).one()
        session.add(
            Contact(modification_id=mod.id, role="proposer", slack_user_id=user, email=email)
        )
        row = admin.create_decision(
            session,
            modification=mod,
            owner="Proposer",
            what="which option to take forward",
            since=since,
            due=due,
        )
        return row.id


def _run(sessions: sessionmaker[Session], fake: FakeSlack, when: datetime) -> None:
    with freeze_time(when):
        ctx = make_ctx(sessions, fake)
        ctx.nudge_policy = POLICY
        results = run_all_once(ctx, ctx.clock())
    assert results["secbot.nudges"] is not None


def _days(first: date, last: date) -> Iterator[date]:
    while first <= last:
        yield first
        first += timedelta(days=1)


def _simulate(
    sessions: sessionmaker[Session],
    fake: FakeSlack,
    first: date,
    last: date,
    on_day: dict[date, object] | None = None,
) -> dict[str, list[datetime]]:
    """Run the worker at 09:59 and 10:00 each day; returns when each key was posted."""
    seen: dict[str, list[datetime]] = {}
    for day in _days(first, last):
        for hour, minute in ((9, 59), (10, 0)):
            before = len(posted(fake))
            _run(sessions, fake, at_london(day, hour, minute))
            for _, key in posted(fake)[before:]:
                seen.setdefault(key, []).append(at_london(day, hour, minute))
        action = (on_day or {}).get(day)
        if callable(action):
            action()
    return seen


def _mine(seen: dict[str, list[datetime]], prefix: str) -> dict[str, list[datetime]]:
    return {key: times for key, times in seen.items() if key.startswith(prefix)}


def test_weekly_nudges_move_off_the_bank_holiday_and_escalate_after_three(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    decision = _decision(loaded, "MP159", since=date(2021, 5, 7))
    seen = _simulate(loaded, fake_slack, date(2021, 5, 10), date(2021, 6, 15))
    nudges = _mine(seen, f"nudge:{decision}:")
    expected = [
        date(2021, 5, 10),
        date(2021, 5, 17),
        date(2021, 5, 24),
        date(2021, 6, 1),  # Monday 31 May 2021 is the late May bank holiday
        date(2021, 6, 7),
        date(2021, 6, 14),
    ]
    assert nudges == {f"nudge:{decision}:{d}": [at_london(d, 10)] for d in expected}
    # After three unanswered nudges the administrators hear of it, once, on the fourth.
    assert seen[f"nudge-escalation:{decision}"] == [at_london(date(2021, 6, 1), 10)]
    dm = [channel for channel, key in posted(fake_slack) if key.startswith(f"nudge:{decision}")]
    assert set(dm) == {"DPROP"} and len(fake_slack.messages("DPROP")) == 6
    assert {r.state for r in rows(loaded) if r.reminder_key.startswith("nudge:")} == {"sent"}
    # Decisions nobody can be nudged about (the sample's) are listed to administrators weekly.
    assert sorted(_mine(seen, "nudge-unassigned:")) == [f"nudge-unassigned:{d}" for d in expected]


def test_snooze_skips_a_nudge_and_answers_the_unanswered_ones(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    decision = _decision(loaded, "MP159", since=date(2021, 5, 7))

    def snooze_until_26_may() -> None:
        with transaction(loaded) as session:
            answer = handle_nudge_action(
                session,
                decision_id=decision,
                action="snooze",
                actor="UPROP",
                at=at_london(date(2021, 5, 17), 12),
                until=date(2021, 5, 26),
            )
        assert answer.ok

    seen = _simulate(
        loaded,
        fake_slack,
        date(2021, 5, 10),
        date(2021, 6, 14),
        {date(2021, 5, 17): snooze_until_26_may},
    )
    days = sorted(key.rsplit(":", 1)[1] for key in _mine(seen, f"nudge:{decision}:"))
    assert days == ["2021-05-10", "2021-05-17", "2021-06-01", "2021-06-07", "2021-06-14"]
    # The snooze answered the first two; three more are needed before an escalation.
    assert f"nudge-escalation:{decision}" not in seen


def test_a_passed_due_date_escalates_once(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    due = VagueDate.from_iso("2021-06", "early")  # ends 10 June 2021
    decision = _decision(loaded, "MP159", since=date(2021, 6, 1), due=due)
    seen = _simulate(loaded, fake_slack, date(2021, 6, 9), date(2021, 6, 14))
    assert seen[f"nudge-escalation:{decision}"] == [at_london(date(2021, 6, 11), 9, 59)]
    (row,) = [r for r in rows(loaded) if r.reminder_key == f"nudge-escalation:{decision}"]
    assert row.recipient == ADMIN_CHANNEL
    assert "its due date (early June 2021) has passed" in row.payload["text"]


@pytest.mark.parametrize(
    ("method", "error"),
    [("conversations.open", "user_not_found"), ("chat.postMessage", "account_inactive")],
)
def test_someone_who_left_the_workspace_is_reported_not_retried(
    loaded: sessionmaker[Session], fake_slack: FakeSlack, method: str, error: str
) -> None:
    decision = _decision(loaded, "MP159", since=date(2021, 5, 7))
    with transaction(loaded) as session:  # only this decision: the failing post must be its DM
        session.execute(
            update(Decision).where(Decision.id != decision).values(resolved_on=date(2000, 1, 1))
        )
    fake_slack.script(method, error=error)
    monday = date(2021, 5, 10)
    for moment in (
        at_london(monday, 10),
        at_london(monday, 10, 1),
        at_london(monday, 11),
        at_london(date(2021, 5, 17), 10),
        at_london(date(2021, 5, 17), 10, 1),
    ):
        _run(loaded, fake_slack, moment)
    (nudge,) = [r for r in rows(loaded) if r.reminder_key.startswith(f"nudge:{decision}:")]
    assert (nudge.state, nudge.last_error, nudge.attempts) == ("dead", error, 1)
    told = [r for r in rows(loaded) if r.reminder_key == f"nudge-undeliverable:{nudge.id}"]
    assert [(r.recipient, r.state) for r in told] == [(ADMIN_CHANNEL, "sent")]
    assert error in told[0].payload["text"]
    assert len(fake_slack.calls("conversations.open")) == 1  # no retry, and no DM next week
    with loaded() as session:
        assert session.scalars(select(Contact).where(Contact.slack_user_id == "UPROP")).all() == []
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "nudge-unlinked"))
        assert len(audit.all()) == 1
    unassigned = [r for r in rows(loaded) if r.reminder_key == "nudge-unassigned:2021-05-17"]
    assert "MP159" in unassigned[0].payload["text"]


def test_a_proposer_is_found_by_email(loaded: sessionmaker[Session], fake_slack: FakeSlack) -> None:
    found = _decision(loaded, "MP159", since=date(2021, 5, 7), user=None, email="pat@example.org")
    missing = _decision(loaded, "MP107", since=date(2021, 5, 7), user=None, email="x@example.org")
    fake_slack.add_user("pat@example.org", "UPAT")
    _run(loaded, fake_slack, at_london(date(2021, 5, 10), 10))
    assert ("DPAT", f"nudge:{found}:2021-05-10") in posted(fake_slack)
    assert not [k for _, k in posted(fake_slack) if k.startswith(f"nudge:{missing}:")]
    assert len(fake_slack.calls("users.lookupByEmail")) == 2
    _run(loaded, fake_slack, at_london(date(2021, 5, 10), 10, 5))  # looked up once a week
    assert len(fake_slack.calls("users.lookupByEmail")) == 2
    with loaded() as session:
        contact = session.scalars(select(Contact).where(Contact.email == "pat@example.org")).one()
        assert contact.slack_user_id == "UPAT"


def test_followers_channels_and_administrators_hear_the_answers_once(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    first = _decision(loaded, "MP159", since=date(2021, 5, 7))
    second = _decision(loaded, "MP107", since=date(2021, 5, 7), user="UOTHER")
    with transaction(loaded) as session:
        mod = session.scalars(select(Modification).where(Modification.ref == "MP159")).one()
        session.add(Contact(modification_id=mod.id, role="follower", slack_user_id="UFOLLOW"))
    subscribe(loaded, "CREF", "ref", "MP159")
    subscribe(loaded, "CALL", "all")
    subscribe(loaded, "COTHER", "ref", "MP107")
    at = at_london(date(2021, 5, 11), 15)
    with transaction(loaded) as session:
        assert handle_nudge_action(
            session,
            decision_id=first,
            action="decision_made",
            actor="UPROP",
            at=at,
            note="the cheaper option",
        ).ok
        assert handle_nudge_action(
            session, decision_id=second, action="not_me", actor="UOTHER", at=at, note="try the DCC"
        ).ok
    for minute in (1, 2):
        _run(loaded, fake_slack, at + timedelta(minutes=minute))
    heard = sorted(channel for channel, key in posted(fake_slack) if key == f"decided:{first}")
    assert heard == ["CALL", "CREF", "DFOLLOW"]  # not the Proposer who closed it
    handed = [(c, k) for c, k in posted(fake_slack) if k.startswith(f"nudge-handed-back:{second}")]
    assert [c for c, _ in handed] == [ADMIN_CHANNEL]
    (row,) = [r for r in rows(loaded) if r.reminder_key == handed[0][1]]
    assert "try the DCC" in row.payload["text"]


def test_the_nudge_message_carries_the_decision_on_every_surface(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    decision = _decision(loaded, "MP107", since=date(2021, 9, 21))
    _run(loaded, fake_slack, at_london(date(2021, 9, 27), 10))
    (row,) = [r for r in rows(loaded) if r.reminder_key == f"nudge:{decision}:2021-09-27"]
    blocks = validate(row.payload["blocks"])
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    assert [e.get("value") for e in actions["elements"]] == [str(decision)] * 3 + [None]
    assert actions["block_id"] == f"secbot_nudge:{decision}"
    text = row.payload["text"]
    assert text.startswith("Decision waiting on you: MP107")
    assert "Waiting 4 Working Days" in text
    # The October Working Group's agenda closed on 22 September: November's is the next chance.
    assert (
        "Working Group on Wednesday 3 November 2021; its agenda closes Wednesday 20 October" in text
    )
    context = json.loads(json.dumps(row.payload))  # stored as JSON
    assert context["metadata"]["event_payload"]["key"] == row.reminder_key
    card = json.loads(
        render(
            "teams",
            "nudge",
            text=text,
            r={"kind": "nudge", "decision_id": decision, "ref": "MP107", "url": None},
        )
    )
    assert card_problems(card) == []
    data = [a["data"] for a in card["actions"]]
    assert data == [
        {"action": a, "decision_id": decision} for a in ("decision_made", "snooze", "not_me")
    ]


def test_policy_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SECBOT_NUDGE_WEEKDAY", "2")
    monkeypatch.setenv("SECBOT_NUDGE_HOUR", "14")
    monkeypatch.setenv("SECBOT_ADMIN_CHANNEL", "teams:19:admins@thread.tacv2")
    policy = load_settings().nudges.policy()
    assert (policy.weekday, policy.hour) == (2, 14)
    assert policy.admin == ("teams", "19:admins@thread.tacv2")
    assert NudgePolicy(admin_channel="C0ADMIN").admin == ("slack", "C0ADMIN")


@given(
    st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31)),
    st.integers(min_value=0, max_value=4),
)
def test_the_nudge_day_is_the_first_working_day_from_the_weekday(day: date, weekday: int) -> None:
    found = nudge_day(day, weekday=weekday, calendar=CALENDAR)
    target = day - timedelta(days=day.weekday() - weekday)
    assert CALENDAR.is_working_day(found) and found >= target
    assert all(not CALENDAR.is_working_day(d) for d in _days(target, found - timedelta(days=1)))


@given(st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2026, 12, 31)))
def test_an_occurrence_is_due_only_from_its_hour_and_within_a_day(moment: datetime) -> None:
    now = moment.replace(tzinfo=LONDON)
    policy = NudgePolicy()
    day = due_occurrence(now, policy=policy, calendar=CALENDAR, catch_up=timedelta(hours=24))
    if day is not None:
        assert at_london(day, 10) <= now <= at_london(day, 10) + timedelta(hours=24)
        assert day == nudge_day(day, weekday=0, calendar=CALENDAR)
    elif CALENDAR.is_working_day(now.date()) and now.weekday() == 0 and now.hour >= 10:
        pytest.fail(f"a Monday that is a Working Day should be due at {now}")


EVIL = "<!channel> & <@U999|boss> *bold*"
_BASE = {
    "decision_id": 12,
    "ref": "MP107",
    "title": EVIL,
    "url": None,
    "owner": "Proposer",
    "what": EVIL,
    "since": date(2021, 9, 21),
    "age": 1,
    "due": "late October 2021",
    "due_passed": True,
    "day": date(2021, 9, 27),
}
KINDS = [
    {
        **_BASE,
        "kind": "nudge",
        "number": 1,
        "meeting": {
            "label": "Working Group",
            "day": date(2021, 11, 3),
            "deadline": date(2021, 10, 20),
            "deadline_label": "agenda closes",
            "why": EVIL,
        },
    },
    {
        **_BASE,
        "kind": "nudge_escalation",
        "reason": "3 nudges have gone unanswered",
        "people": ["U0PROP", EVIL],
    },
    {"kind": "nudge_unassigned", "day": date(2021, 9, 27), "decisions": [_BASE] * 12},
    {**_BASE, "kind": "nudge_handed_back", "by": "U0PROP", "note": EVIL},
    {
        **_BASE,
        "kind": "nudge_undeliverable",
        "recipient": "U0GONE",
        "surface": "slack",
        "error": "user_not_found",
        "unlinked": True,
    },
    {
        **_BASE,
        "kind": "decision_made",
        "resolution": EVIL,
        "by": "console",
        "on": date(2021, 9, 28),
    },
]


@pytest.mark.parametrize("context", KINDS, ids=[str(k["kind"]) for k in KINDS])
def test_every_kind_renders_escaped_on_every_surface(context: dict[str, object]) -> None:
    text = render("text", "nudge", r=context)
    blocks = json.loads(render("slack", "nudge", r=context))
    validate(blocks)  # round-trips through slack_sdk's Block Kit models
    assert "<!channel>" not in json.dumps(blocks) and "<@U999" not in json.dumps(blocks)
    card = json.loads(render("teams", "nudge", r=context, text=text))
    assert card_problems(card) == []
    assert "<!channel>" not in json.dumps(card)
