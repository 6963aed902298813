"""Administrator commands through the router: refused to others, audited with who and when."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.answers.admin import parse_milestone_kind, parse_stage, split_date, split_user
from bot.router import Context, Router, build_router
from sec.lifecycle import MilestoneKind, Stage
from sec.timefmt import uk_date
from sec.vague_dates import Precision
from storage.models import AuditEntry, Closure, Contact, MeetingChange, Milestone, Modification

TODAY = date(2021, 10, 1)
ADMIN = Context(as_of=TODAY, user="UADMIN", surface="slack", is_admin=True, channel="C1")
SOMEONE = Context(as_of=TODAY, user="U0ELSE", surface="slack", channel="C1")


@pytest.fixture
def router(loaded: sessionmaker[Session]) -> Router:
    return build_router(loaded)


def _audit(loaded: sessionmaker[Session]) -> list[AuditEntry]:
    with loaded() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


@pytest.mark.parametrize(
    "text",
    [
        "set-status MP159 report Out for consultation",
        "add-milestone MP159 panel May 2022",
        "proposer MP159 <@U0JANE|jane>",
        "closure 28 December 2021",
        "move-meeting wg May 2022 11 May 2022",
        "cancel-meeting panel June 2022",
    ],
)
def test_everyone_else_is_politely_refused(router: Router, loaded, text: str) -> None:
    answer = router.answer(text, SOMEONE)
    assert not answer.ok and answer.kind == "refusal"
    assert "Sorry" in answer.model.text
    assert _audit(loaded) == []


def test_each_change_is_recorded_with_who_and_when(router: Router, loaded) -> None:
    for text in (
        "set-status MP159 report Out for consultation",
        "add-milestone MP159 panel early May 2022 report back to the Panel",
        "proposer MP159 <@U0JANE|jane>",
        "closure 28 December 2021 office shut",
        "move-meeting working group May 2022 11 May 2022 room clash",
        "cancel-meeting panel June 2022",
    ):
        answer = router.answer(text, ADMIN)
        assert answer.ok, answer.model.text
    entries = _audit(loaded)
    assert [e.action for e in entries] == [
        "set-status",
        "add-milestone",
        "proposer",
        "closure",
        "move-meeting",
        "cancel-meeting",
    ]
    assert {e.actor for e in entries} == {"UADMIN"}
    assert all(e.at.tzinfo is not None or e.at.year >= 2021 for e in entries)
    with loaded() as session:
        milestone = session.scalars(
            select(Milestone).where(Milestone.text == "report back to the Panel")
        ).one()
        assert (milestone.precision, milestone.start) == ("early", date(2022, 5, 1))
        assert session.scalars(select(Contact.slack_user_id)).all() == ["U0JANE"]
        assert session.scalars(select(Closure.reason)).all() == ["office shut"]
        changes = session.scalars(select(MeetingChange).order_by(MeetingChange.id)).all()
        assert [(c.kind, c.action, c.day) for c in changes][-2:] == [
            ("working_group", "move", date(2022, 5, 11)),
            ("panel", "cancel", None),
        ]


def test_moved_meeting_says_what_it_was(router: Router) -> None:
    answer = router.answer("move-meeting wg May 2022 11 May 2022", ADMIN)
    assert "(was Wednesday 4 May 2022)" in answer.model.text


def test_mistakes_get_usage_not_changes(router: Router, loaded) -> None:
    for text in (
        "set-status MP159",
        "set-status MP159 sideways text",
        "add-milestone MP159 panel someday",
        "closure whenever",
        "move-meeting wg May 2022 soon",
        "proposer MP159 jane",
        "set-status MP999 report x",
    ):
        assert not router.answer(text, ADMIN).ok, text
    assert _audit(loaded) == []


def test_stage_and_kind_parsing() -> None:
    assert parse_stage("on-hold") is Stage.ON_HOLD
    assert parse_stage("Report Phase") is Stage.REPORT
    assert parse_stage("cb") is Stage.CHANGE_BOARD
    assert parse_stage("sideways") is None
    assert parse_milestone_kind("panel") is MilestoneKind.PANEL_RETURN
    assert parse_milestone_kind("consultation-close") is MilestoneKind.CONSULTATION_CLOSE


@settings(deadline=None)  # the first parse loads dateparser
@given(
    day=st.dates(date(2018, 1, 1), date(2030, 12, 31)),
    note=st.lists(st.sampled_from(["report", "back", "to", "Panel", "room"]), max_size=4),
)
def test_split_date_takes_the_date_and_leaves_the_note(day: date, note: list[str]) -> None:
    words = f"{day.day} {day:%B %Y}".split() + note
    found = split_date(words, today=TODAY, want={Precision.DAY})
    assert found is not None
    assert found[0].start == day and found[1] == " ".join(note)
    weekday = uk_date(day).split() + note
    assert split_date(weekday, today=TODAY) == found


@given(
    user=st.from_regex(r"[UW][A-Z0-9]{4,10}", fullmatch=True),
    name=st.from_regex(r"[a-z.]{0,12}", fullmatch=True),
)
def test_split_user_reads_slack_mentions_and_ids(user: str, name: str) -> None:
    mention = f"<@{user}|{name}>" if name else f"<@{user}>"
    assert split_user(f"MP159 {mention}") == ("MP159", user)
    assert split_user(f"MP 159 {user}") == ("MP 159", user)
    assert split_user("MP159") is None


def test_next_working_day_closure(router: Router, loaded) -> None:
    day = TODAY + timedelta(days=3)
    answer = router.answer(f"closure {day.day} {day:%B %Y}", ADMIN)
    assert answer.ok and uk_date(day) in answer.model.text
    again = router.answer(f"closure {day.day} {day:%B %Y}", ADMIN)
    assert again.ok and "already" in again.model.text
    assert len(_audit(loaded)) == 1


@pytest.mark.parametrize(
    "command",
    ["set-status MP159 report ", "decision add MP159 ", "closure 28 December 2021 ", "admin add "],
)
def test_overlong_administrator_text_is_refused_and_nothing_changes(
    router: Router, loaded, command: str
) -> None:
    with loaded() as session:
        before = [s.status for s in session.scalars(select(Modification))]
    answer = router.answer(command + "x" * 2_001, ADMIN)
    assert not answer.ok and answer.kind == "usage"
    assert "at most 2,000" in answer.model.text and "Nothing was changed" in answer.model.text
    assert _audit(loaded) == []
    with loaded() as session:
        assert [s.status for s in session.scalars(select(Modification))] == before


def test_text_up_to_the_cap_is_taken(router: Router, loaded) -> None:
    status = "Out for consultation " + "y" * (2_000 - len("MP159 report Out for consultation "))
    answer = router.answer(f"set-status MP159 report {status}", ADMIN)
    assert answer.ok, answer.model.text
