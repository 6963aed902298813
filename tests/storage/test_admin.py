"""Administrators' changes in the store, and the modifications tied to a Slack user."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sec.meetings import MeetingKind
from sec.references import parse_ref
from sec.vague_dates import VagueDate
from storage import admin, queries
from storage.calendar_store import get_schedule
from storage.models import Contact, Modification, StatusEntry

AT = datetime(2021, 10, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def _mod(session: Session, ref: str) -> Modification:
    found = queries.get_modification(session, ref=parse_ref(ref))  # type: ignore[arg-type]
    assert found is not None
    return found


def test_status_update_keeps_history(loaded: sessionmaker[Session]) -> None:
    with loaded() as session, session.begin():
        mod = _mod(session, "MP159")
        before = len(queries.list_history(session, modification=mod, as_of=date(2030, 1, 1)))
        admin.update_status(
            session,
            modification=mod,
            stage="report",
            status="Report out",
            as_of=date(2021, 10, 1),
            recorded_by="U1",
        )
    with loaded() as session:
        mod = _mod(session, "MP159")
        latest = queries.get_status_as_of(session, modification=mod, as_of=date(2021, 10, 1))
        assert latest is not None and (latest.status, latest.recorded_by) == ("Report out", "U1")
        assert mod.stage == "report"
        count = session.scalars(select(StatusEntry).where(StatusEntry.modification_id == mod.id))
        assert len(list(count)) == before + 1


def test_milestone_keeps_its_precision(loaded: sessionmaker[Session]) -> None:
    with loaded() as session, session.begin():
        mod = _mod(session, "MP159")
        when = VagueDate.from_iso("2021-11", "early")
        admin.create_milestone(
            session,
            modification=mod,
            kind="panel_return",
            when=when,
            text="report back",
            as_of=date(2021, 10, 1),
        )
    with loaded() as session:
        found = queries.list_upcoming_milestones(
            session, modification=_mod(session, "MP159"), as_of=date(2021, 10, 1), limit=20
        )
        assert any(
            (m.kind, m.precision, m.start) == ("panel_return", "early", date(2021, 11, 1))
            for m in found
        )


def test_proposer_mapping_reuses_the_proposer_contact(loaded: sessionmaker[Session]) -> None:
    with loaded() as session, session.begin():
        mod = _mod(session, "MP159")
        _, created = admin.set_proposer_slack_user(session, modification=mod, slack_user_id="U1")
        _, created_again = admin.set_proposer_slack_user(
            session, modification=mod, slack_user_id="U2"
        )
        session.add(
            Contact(modification_id=_mod(session, "MP167").id, role="follower", slack_user_id="U2")
        )
    assert (created, created_again) == (True, False)
    with loaded() as session:
        mine = admin.list_modifications_for_slack_user(session, slack_user_id="U2")
        assert [(m.ref, role) for m, role in mine] == [("MP159", "proposer"), ("MP167", "follower")]
        assert admin.list_modifications_for_slack_user(session, slack_user_id="U1") == []


def test_closures_and_meeting_changes_reach_the_schedule(loaded: sessionmaker[Session]) -> None:
    with loaded() as session, session.begin():
        _, created = admin.create_closure(session, day=date(2022, 5, 3), reason="x", added_by="U1")
        _, again = admin.create_closure(session, day=date(2022, 5, 3), reason="y", added_by="U1")
        admin.create_meeting_change(
            session,
            kind=MeetingKind.WORKING_GROUP,
            occurrence=(2022, 6),
            action="move",
            day=date(2022, 6, 8),
            note="",
            added_by="U1",
            at=AT,
        )
        admin.create_meeting_change(
            session,
            kind=MeetingKind.PANEL,
            occurrence=(2022, 6),
            action="cancel",
            day=None,
            note="",
            added_by="U1",
            at=AT,
        )
        admin.create_audit_entry(session, actor="U1", action="closure", detail={"d": 1}, at=AT)
    assert (created, again) == (True, False)
    with loaded() as session:
        schedule = get_schedule(session)
        assert not schedule.calendar.is_working_day(date(2022, 5, 3))
        moved = schedule.in_month(MeetingKind.WORKING_GROUP, 2022, 6)
        assert moved is not None and moved.day == date(2022, 6, 8)
        assert schedule.in_month(MeetingKind.PANEL, 2022, 6) is None
        assert [e.action for e in admin.list_audit_entries(session)] == ["closure"]
