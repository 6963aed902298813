"""The calendar from the store: closures, meeting changes, paper dates, milestones at meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sec.meetings import Meeting, MeetingKind
from storage.calendar_store import (
    SAMPLE_AUTHOR,
    expected_at,
    get_data_stamp,
    get_schedule,
    get_working_calendar,
    list_meeting_overrides,
    list_meetings,
    list_milestones_between,
    load_sample_meetings,
    meeting_kind_for,
)
from storage.db import transaction
from storage.models import Closure, MeetingChange, Milestone

WG, PANEL, CB, CSC = (
    MeetingKind.WORKING_GROUP,
    MeetingKind.PANEL,
    MeetingKind.CHANGE_BOARD,
    MeetingKind.CSC,
)
STAMP = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


def one(session: Session, kind: MeetingKind, year: int, month: int) -> Meeting:
    meeting = get_schedule(session).in_month(kind, year, month)
    assert meeting is not None
    return meeting


def refs(milestones: list[Milestone]) -> list[str]:
    return [m.modification.ref for m in milestones]


# --- read-only checks over the shared sample store -----------------------------------------


def test_paper_dates_beat_the_rules(sample_store: sessionmaker[Session]) -> None:
    with sample_store() as session:
        # Third Fridays by rule; the papers say the second Friday.
        assert one(session, PANEL, 2020, 11).day == date(2020, 11, 13)
        assert one(session, PANEL, 2021, 5).day == date(2021, 5, 14)
        march = one(session, PANEL, 2019, 3)
        assert (march.day, march.source) == (date(2019, 3, 15), "paper")
        assert one(session, PANEL, 2017, 4).day == date(2017, 4, 21)
        assert one(session, CB, 2021, 9).day == date(2021, 9, 29)
        assert one(session, CB, 2021, 10).day == date(2021, 10, 27)
        overrides = list_meeting_overrides(session)
    assert len(overrides) == 9
    assert {o.source for o in overrides} == {"paper"}


def test_ad_hoc_working_groups_before_the_monthly_series(
    sample_store: sessionmaker[Session],
) -> None:
    with sample_store() as session:
        found = list_meetings(session, start=date(2019, 2, 1), end=date(2019, 4, 30), kinds=[WG])
    assert [(m.day, m.occurrence) for m in found] == [
        (date(2019, 2, 25), None),
        (date(2019, 3, 20), None),
        (date(2019, 4, 3), (2019, 4)),
    ]
    assert found[1].uid == "wg-2019-03-20-extra@secbot"


def test_working_group_of_3_april_2019_expects_four_modifications(
    sample_store: sessionmaker[Session],
) -> None:
    with sample_store() as session:
        meeting = one(session, WG, 2019, 4)
        assert (meeting.agenda_deadline, meeting.papers_deadline) == (
            date(2019, 3, 20),
            date(2019, 3, 27),
        )
        expected = refs(expected_at(session, meeting, date(2019, 3, 8)))
        # Before the March 2019 paper nobody knew what the meeting would take.
        earlier = expected_at(session, meeting, date(2019, 3, 7))
    assert expected == ["SECMP0007", "SECMP0012", "SECMP0053", "SECMP0066"]
    assert earlier == []


def test_month_milestones_are_expected_at_that_months_meeting(
    sample_store: sessionmaker[Session],
) -> None:
    with sample_store() as session:
        may_panel = one(session, PANEL, 2019, 5)
        at_panel = refs(expected_at(session, may_panel, date(2019, 3, 8)))
        may_wg = refs(expected_at(session, one(session, WG, 2019, 5), date(2019, 3, 8)))
        june_wg = refs(expected_at(session, one(session, WG, 2019, 6), date(2019, 3, 8)))
    assert may_panel.day == date(2019, 5, 17)
    # Panel returns and Modification Reports both go to the Panel in 2019.
    assert {"SECMP0012", "SECMP0053", "SECMP0062"} <= set(at_panel)
    assert may_wg == ["SECMP0010", "SECMP0013", "SECMP0056"]
    assert june_wg == ["SECMP0024", "SECMP0046", "SECMP0067"]


def test_modification_reports_for_the_csc_go_to_the_csc(
    sample_store: sessionmaker[Session],
) -> None:
    with sample_store() as session:
        december = date(2021, 12, 1), date(2021, 12, 31)
        found = list_milestones_between(
            session, start=december[0], end=december[1], as_of=date(2021, 9, 22)
        )
        assert {meeting_kind_for(m) for m in found if m.kind == "modification_report"} == {CSC}
        at_csc = refs(expected_at(session, one(session, CSC, 2021, 12), date(2021, 9, 22)))
        at_panel = refs(expected_at(session, one(session, PANEL, 2021, 12), date(2021, 9, 22)))
    assert at_csc == ["MP159", "MP167"]
    assert at_panel == []


def test_change_board_votes_are_expected_at_the_change_board(
    sample_store: sessionmaker[Session],
) -> None:
    with sample_store() as session:
        september = refs(expected_at(session, one(session, CB, 2021, 9), date(2021, 9, 22)))
        october = refs(expected_at(session, one(session, CB, 2021, 10), date(2021, 9, 22)))
    assert september == ["MP121", "MP149", "MP164", "MP180"]
    assert october == ["MP128B"]


def test_milestone_windows_overlap_the_range(sample_store: sessionmaker[Session]) -> None:
    with sample_store() as session:

        def between(start: date, end: date) -> set[tuple[str, str]]:
            found = list_milestones_between(session, start=start, end=end, as_of=date(2019, 3, 8))
            return {(m.modification.ref, m.kind) for m in found}

        # SECMP0010's PA is due "early April 2019": days 1 to 10.
        assert ("SECMP0010", "dcc_preliminary_assessment") in between(
            date(2019, 4, 10), date(2019, 4, 30)
        )
        assert ("SECMP0010", "dcc_preliminary_assessment") not in between(
            date(2019, 4, 11), date(2019, 4, 30)
        )
        # A whole-month milestone overlaps any day of its month.
        assert ("SECMP0012", "panel_return") in between(date(2019, 5, 31), date(2019, 6, 3))
        assert between(date(2030, 1, 1), date(2030, 12, 31)) == set()


def test_month_window_only_anchors_to_a_meeting_inside_it(
    sample_store: sessionmaker[Session],
) -> None:
    with sample_store() as session:
        schedule = get_schedule(session)
        milestone = session.scalars(
            select(Milestone).where(
                Milestone.kind == "panel_return", Milestone.precision == "month"
            )
        ).first()
        assert milestone is not None
        anchor = schedule.meeting_for(milestone)
        assert anchor is not None and anchor.kind is PANEL
        assert (anchor.day.year, anchor.day.month) == (milestone.start.year, milestone.start.month)
        # The same milestone said "early" in that month: the Panel (third Friday) is not in it.
        session.expunge(milestone)
        milestone.precision = "early"
        assert schedule.meeting_for(milestone) is None


def test_data_stamp_is_aware_and_repeatable(sample_store: sessionmaker[Session]) -> None:
    with sample_store() as session:
        first, second = get_data_stamp(session), get_data_stamp(session)
    assert first == second and first.utcoffset() is not None and first.microsecond == 0


# --- writes: a fresh store on each backend ----------------------------------------------------


def add_change(session: Session, **fields: object) -> None:
    defaults: dict[str, object] = {"note": "", "added_by": "U0ADMIN", "added_at": STAMP}
    session.add(MeetingChange(**{**defaults, **fields}))


def test_sample_meetings_load_once(loaded: sessionmaker[Session]) -> None:
    with transaction(loaded) as session:
        assert load_sample_meetings(session) == 0  # load_sample already added them
        rows = session.scalars(select(MeetingChange)).all()
    assert len(rows) == 9
    assert {r.added_by for r in rows} == {SAMPLE_AUTHOR}
    assert {r.action for r in rows} == {"move", "add"}
    assert all(r.kind != "tabasc" for r in rows)


def test_closures_and_admin_changes_shape_the_calendar(loaded: sessionmaker[Session]) -> None:
    with transaction(loaded) as session:
        session.add(Closure(day=date(2019, 4, 3), reason="office move", added_by="U0ADMIN"))
        add_change(session, kind="panel", occurrence_year=2019, occurrence_month=3, action="cancel")
        add_change(
            session,
            kind="panel",
            occurrence_year=2021,
            occurrence_month=5,
            action="move",
            day=date(2021, 5, 7),
            note="room clash",
        )
        add_change(session, kind="working_group", action="add", day=date(2019, 7, 17))
        add_change(session, kind="tabasc", action="add", day=date(2019, 7, 18))  # not a series
        add_change(session, kind="panel", action="move")  # incomplete: ignored, not fatal
    with loaded() as session:
        assert date(2019, 4, 3) in get_working_calendar(session).closures
        april = one(session, WG, 2019, 4)
        # The closure pushes the April meeting a week, and the closed day is not counted in its
        # deadlines (10 Working Days before 10 April, skipping 3 April, is 26 March).
        assert (april.day, april.uid) == (date(2019, 4, 10), "wg-2019-04@secbot")
        assert april.agenda_deadline == date(2019, 3, 26)
        march = list_meetings(session, start=date(2019, 3, 1), end=date(2019, 3, 31), kinds=[PANEL])
        may = one(session, PANEL, 2021, 5)
        july = list_meetings(session, start=date(2019, 7, 1), end=date(2019, 7, 31), kinds=[WG])
    assert march == []  # the administrator's cancel beats the paper's date
    assert (may.day, may.source, may.note) == (date(2021, 5, 7), "moved", "room clash")
    assert [m.day for m in july] == [date(2019, 7, 3), date(2019, 7, 17)]


@pytest.mark.parametrize("author", ["paper:SECP_66_1503_12", "ingest", SAMPLE_AUTHOR])
def test_rows_from_papers_are_marked_as_papers(loaded: sessionmaker[Session], author: str) -> None:
    with transaction(loaded) as session:
        add_change(
            session,
            kind="csc",
            occurrence_year=2021,
            occurrence_month=10,
            action="move",
            day=date(2021, 10, 19),
            added_by=author,
        )
    with loaded() as session:
        meeting = one(session, CSC, 2021, 10)
    assert (meeting.day, meeting.source) == (date(2021, 10, 19), "paper")


def test_superseded_milestones_are_left_out(loaded: sessionmaker[Session]) -> None:
    with transaction(loaded) as session:
        wg = one(session, WG, 2019, 4)
        for milestone in expected_at(session, wg, date(2019, 3, 8)):
            if milestone.modification.ref == "SECMP0012":
                milestone.superseded = True
    with loaded() as session:
        wg = one(session, WG, 2019, 4)
        assert refs(expected_at(session, wg, date(2019, 3, 8))) == [
            "SECMP0007",
            "SECMP0053",
            "SECMP0066",
        ]
