"""Answers to nudges (bot.nudges), the administrators' decision commands, `pending mine`, and
the Teams nudge buttons, on the sample store. The SQL is tested on both databases in
tests/storage/test_nudges.py; these run on SQLite."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.answers.admin import _parse_decision_add
from bot.nudges import handle_nudge_action
from bot.render import render_text
from bot.router import Context, Router, build_router
from bot.services import Services
from bot.settings import Settings
from bot.teams.actions import handle_card_action, parse_card_action
from bot.views import Answer
from sec.lifecycle import Owner
from sec.timefmt import LONDON, today, uk_date
from storage import admin, nudges
from storage.db import transaction
from storage.models import AuditEntry, Contact, Decision, Modification, StatusEntry


@pytest.fixture
def backend() -> str:
    """SQLite here; the SQL is tested on both databases in tests/storage/test_nudges.py."""
    return "sqlite"


AT = datetime(2021, 9, 27, 11, 30, tzinfo=LONDON)
PROPOSER, STRANGER, ADMIN = "U0PROP", "U0ELSE", "UADMIN"
TODAY = date(2021, 9, 27)


@pytest.fixture
def mp107(loaded: sessionmaker[Session]) -> int:
    """MP107's open decision, its Proposer linked to U0PROP (Slack) and an Entra id (Teams)."""
    with transaction(loaded) as session:
        mod = session.scalars(select(Modification).where(Modification.ref == "MP107")).one()
        contact, _ = admin.set_proposer_slack_user(
            session, modification=mod, slack_user_id=PROPOSER
        )
        contact.teams_user_id = "aad-prop"
        return next(d.id for d in mod.decisions if d.resolved_on is None)


def _press(
    sessions: sessionmaker[Session],
    decision_id: int,
    action: str,
    actor: str,
    *,
    note: str | None = None,
    until: date | None = None,
    is_admin: bool = False,
) -> Answer:
    with transaction(sessions) as session:
        return handle_nudge_action(
            session,
            decision_id=decision_id,
            action=action,
            actor=actor,
            at=AT,
            note=note,
            until=until,
            is_admin=is_admin,
        )


def test_decision_made_closes_it_once_with_history_and_audit(
    loaded: sessionmaker[Session], mp107: int
) -> None:
    answer = _press(loaded, mp107, "decision_made", PROPOSER, note="  the SEC change route ")
    assert answer.ok and "closed: the SEC change route" in render_text(answer)
    again = _press(loaded, mp107, "decision_made", PROPOSER, note="something else")
    assert not again.ok and "already closed on Monday 27 September 2021" in render_text(again)
    with loaded() as session:
        decision = session.get(Decision, mp107)
        assert decision is not None
        assert (decision.resolved_on, decision.resolution, decision.resolved_by) == (
            TODAY,
            "the SEC change route",
            PROPOSER,
        )
        entry = session.scalars(select(StatusEntry).order_by(StatusEntry.id.desc())).first()
        assert entry is not None and entry.recorded_by == PROPOSER and entry.as_of == TODAY
        assert "has decided which of the two solutions" in entry.status
        follow_up = nudges.get_follow_up(session, decision_id=mp107)
        assert follow_up is not None and follow_up.decided_at == AT and not follow_up.decided_told
        actions = [a.action for a in session.scalars(select(AuditEntry))]
        assert actions.count("decision-made") == 1


def test_only_the_proposer_or_an_administrator_may_answer(
    loaded: sessionmaker[Session], mp107: int
) -> None:
    refused = _press(loaded, mp107, "snooze", STRANGER)
    assert refused.kind == "refusal" and "Proposer of MP107" in render_text(refused)
    assert _press(loaded, mp107, "snooze", ADMIN, is_admin=True).ok
    missing = _press(loaded, 999_999, "snooze", PROPOSER)
    assert missing.kind == "not_found"
    empty = _press(loaded, mp107, "decision_made", PROPOSER, note="   ")
    assert empty.kind == "usage"


def test_snooze_a_week_or_until_a_day_and_it_answers_the_nudges(
    loaded: sessionmaker[Session], mp107: int
) -> None:
    with transaction(loaded) as session:
        nudges.ensure_follow_up(session, decision_id=mp107).unanswered = 2
    week = _press(loaded, mp107, "snooze", PROPOSER)
    assert "until after Monday 4 October 2021" in render_text(week)
    picked = _press(loaded, mp107, "snooze", PROPOSER, until=date(2021, 11, 1))
    assert picked.ok
    assert _press(loaded, mp107, "snooze", PROPOSER, until=TODAY).kind == "usage"
    too_far = _press(loaded, mp107, "snooze", PROPOSER, until=TODAY + timedelta(days=400))
    assert too_far.kind == "usage"
    with loaded() as session:
        follow_up = nudges.get_follow_up(session, decision_id=mp107)
        assert follow_up is not None
        assert (follow_up.snoozed_until, follow_up.unanswered, follow_up.last_answer) == (
            date(2021, 11, 1),
            0,
            "snooze",
        )


def test_not_me_hands_it_back_and_unlinks_the_person(
    loaded: sessionmaker[Session], mp107: int
) -> None:
    answer = _press(loaded, mp107, "not_me", PROPOSER, note="ask Jane at the supplier")
    assert answer.ok and "goes back to the SECAS administrators" in render_text(answer)
    with loaded() as session:
        follow_up = nudges.get_follow_up(session, decision_id=mp107)
        assert follow_up is not None
        assert (
            follow_up.handed_back_by,
            follow_up.handed_back_note,
            follow_up.handed_back_on,
            follow_up.handed_back_told,
        ) == (PROPOSER, "ask Jane at the supplier", TODAY, False)
        decision = session.get(Decision, mp107)
        assert decision is not None and decision.resolved_on is None  # still waiting
        people = nudges.list_proposer_people(session, modification_id=decision.modification_id)
        assert people == [("teams", "aad-prop")]
    assert _press(loaded, mp107, "snooze", PROPOSER).kind == "refusal"


# -- administrators' commands and pending -----------------------------------------------------


@pytest.fixture
def router(loaded: sessionmaker[Session]) -> Router:
    return build_router(loaded)


def _ask(
    router: Router,
    text: str,
    *,
    user: str = ADMIN,
    admin_: bool = True,
    surface: str = "slack",
    as_of: date = TODAY,
) -> tuple[Answer, str]:
    ctx = Context(as_of=as_of, user=user, surface=surface, is_admin=admin_, channel="D1")
    answer = router.answer(text, ctx)
    return answer, render_text(answer)


def test_decision_add_then_resolve_through_the_router(router: Router) -> None:
    added, text = _ask(
        router,
        'decision add MP107 “whether to split the change” due "end of October 2021" owner proposer',
    )
    assert added.ok, text
    assert "waiting on the Proposer to decide whether to split the change, due late October" in text
    number = int(text.split("decision ")[1].split(" ")[0])
    _, listing = _ask(router, "pending MP107", as_of=date(2021, 9, 28))
    assert "whether to split the change" in listing and "due late October 2021" in listing
    resolved, said = _ask(router, f'decision resolve {number} "not splitting it"')
    assert resolved.ok, said
    _, after = _ask(router, "pending MP107", as_of=date(2021, 9, 28))
    assert "whether to split the change" not in after
    refused, _ = _ask(router, 'decision add MP107 "x"', user=STRANGER, admin_=False)
    assert refused.kind == "refusal"
    assert _ask(router, 'decision add MP107 "x" due "someday soon"')[0].kind == "usage"
    assert _ask(router, 'decision add MP107 "x" owner nobody')[0].kind == "usage"
    assert _ask(router, "decision resolve twelve")[0].kind == "usage"


def test_pending_mine_lists_what_waits_on_the_asker(router: Router, mp107: int) -> None:
    answer, text = _ask(router, "pending mine", user=PROPOSER, admin_=False)
    assert answer.kind == "pending" and text.startswith("Decisions waiting on you")
    assert "MP107" in text and "SECMP0028" not in text
    _, teams = _ask(router, "pending mine", user="aad-prop", admin_=False, surface="teams")
    assert "MP107" in teams
    _, nobody = _ask(router, "pending mine", user=STRANGER, admin_=False)
    assert nobody == "No decisions are waiting on you."
    console, _ = _ask(router, "pending mine", user="console", surface="console")
    assert console.kind == "usage"


_WHAT = st.text(
    st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters='"“”'),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())
_DUE = st.sampled_from([None, "end of October 2021", "early April 2019", "8 May 2022", "June 2022"])


@settings(max_examples=60, deadline=None)
@given(what=_WHAT, due=_DUE, owner=st.sampled_from([None, *Owner]), curly=st.booleans())
def test_decision_add_reads_back_what_was_typed(
    what: str, due: str | None, owner: Owner | None, curly: bool
) -> None:
    opening, closing = ("“", "”") if curly else ('"', '"')
    text = f"MP107 {opening}{what}{closing}"
    text += f' due "{due}"' if due else ""
    text += f" owner {owner.value.lower()}" if owner else ""
    parsed = _parse_decision_add(text, Context(as_of=TODAY))
    assert not isinstance(parsed, str), parsed
    ref, found_what, found_due, found_owner = parsed
    assert (ref, found_what) == ("MP107", " ".join(what.split()))
    assert (found_due is None) == (due is None)
    assert found_owner == (owner or Owner.PROPOSER)


# -- Teams ------------------------------------------------------------------------------------


def test_teams_nudge_buttons_use_the_same_answers(
    loaded: sessionmaker[Session], mp107: int
) -> None:
    services = Services(Settings(_env_file=None), loaded.kw["bind"], loaded, build_router(loaded))
    ctx = Context(as_of=TODAY, user="aad-prop", surface="teams", is_direct=True)

    def press(**value: object) -> Answer:
        action = parse_card_action({"decision_id": mp107, **value})
        assert action is not None
        return handle_card_action(services, action, ctx)

    until = today() + timedelta(days=20)
    snoozed = press(action="snooze", until=until.isoformat(), note="")
    assert f"until after {uk_date(until)}" in render_text(snoozed)
    assert press(action="snooze", until="soon").kind == "usage"
    assert press(action="decision_made", note="").kind == "usage"
    assert press(action="decision_made", note="the cheaper option").ok
    with loaded() as session:
        decision = session.get(Decision, mp107)
        assert decision is not None and decision.resolved_by == "aad-prop"
        assert decision.resolution == "the cheaper option"
    with loaded() as session:
        assert session.scalars(select(Contact).where(Contact.teams_user_id == "aad-prop")).first()
