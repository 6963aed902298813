"""The reminder plan: defaults on real calendar cases, and properties over random snapshots."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sec.lifecycle import MilestoneKind
from sec.meetings import MeetingKind, meeting_in_month, meetings_between
from sec.reminders import (
    Concerned,
    MeetingFacts,
    MeetingLeads,
    MilestoneFacts,
    PlannedReminder,
    ReleaseFacts,
    ReminderPolicy,
    Snapshot,
    plan_reminders,
    reminders_between,
)
from sec.timefmt import LONDON, at_london
from sec.vague_dates import Precision, VagueDate
from sec.workdays import WorkingCalendar

CAL = WorkingCalendar()
MP = Concerned("SECMP0007", "Firmware updates to IHDs and PPMIDs", "Option reviewed")


def _meetings(start: date, end: date, cal: WorkingCalendar = CAL) -> tuple[MeetingFacts, ...]:
    return tuple(MeetingFacts(m) for m in meetings_between(start, end, calendar=cal))


def _by_key(reminders: list[PlannedReminder]) -> dict[str, PlannedReminder]:
    return {r.key: r for r in reminders}


def _milestone(kind: str, when: VagueDate, **kw: object) -> MilestoneFacts:
    return MilestoneFacts(kind, when, MP, **kw)  # type: ignore[arg-type]


# -- the defaults on known days -------------------------------------------------------------


def test_working_group_of_3_april_2019() -> None:
    wg = meeting_in_month(MeetingKind.WORKING_GROUP, 2019, 4, calendar=CAL)
    assert wg is not None
    plan = _by_key(plan_reminders(Snapshot(meetings=(MeetingFacts(wg, (MP,)),)), CAL))
    uid = "wg-2019-04@secbot"
    assert {k: r.due_at for k, r in plan.items()} == {
        f"agenda_deadline:{uid}:2019-03-20-2wd": at_london(date(2019, 3, 18)),
        f"agenda_deadline:{uid}:2019-03-20-0wd": at_london(date(2019, 3, 20)),
        f"papers_deadline:{uid}:2019-03-27-0wd": at_london(date(2019, 3, 27)),
        f"meeting:{uid}:2019-04-03-1wd": at_london(date(2019, 4, 2)),
    }
    agenda = plan[f"agenda_deadline:{uid}:2019-03-20-2wd"]
    assert agenda.context["wd_before"] == 10
    assert agenda.context["modifications"][0]["ref"] == "SECMP0007"
    assert set(agenda.audience_topics) == {"all", "meetings", "deadlines", "ref:SECMP0007"}
    meeting = plan[f"meeting:{uid}:2019-04-03-1wd"]
    assert "deadlines" not in meeting.audience_topics
    # Across the clocks going forward on 31 March: 09:00 GMT, then 09:00 BST.
    assert agenda.due_at.utcoffset() == timedelta(0)
    assert meeting.due_at.utcoffset() == timedelta(hours=1)


def test_easter_pushes_the_may_2019_agenda_back() -> None:
    plan = plan_reminders(Snapshot(meetings=_meetings(date(2019, 5, 1), date(2019, 5, 1))), CAL)
    due = {r.key.split(":")[0] + ":" + r.occurrence: r.due_at.date() for r in plan}
    # 10 Working Days before 1 May skips Good Friday and Easter Monday: 15 April.
    assert due["agenda_deadline:2019-04-15-2wd"] == date(2019, 4, 11)
    assert due["agenda_deadline:2019-04-15-0wd"] == date(2019, 4, 15)
    assert due["meeting:2019-05-01-1wd"] == date(2019, 4, 30)


def test_christmas_and_new_year_2019_2020() -> None:
    # New Year's Day moves the January 2020 Working Group to 8 January.
    plan = plan_reminders(Snapshot(meetings=_meetings(date(2020, 1, 8), date(2020, 1, 8))), CAL)
    due = {r.kind + ":" + str(r.context["lead"]): r.due_at.date() for r in plan}
    assert due["agenda_deadline:0"] == date(2019, 12, 20)
    assert due["agenda_deadline:2"] == date(2019, 12, 18)
    assert due["papers_deadline:0"] == date(2019, 12, 31)
    assert due["meeting:1"] == date(2020, 1, 7)


def test_panel_reminders_list_what_is_due_back() -> None:
    panel = meeting_in_month(MeetingKind.PANEL, 2019, 5, calendar=CAL)
    assert panel is not None
    plan = plan_reminders(Snapshot(meetings=(MeetingFacts(panel, (MP,)),)), CAL)
    assert sorted(r.kind for r in plan) == ["meeting", "papers_deadline"]
    assert all(r.context["modifications"][0]["ref"] == "SECMP0007" for r in plan)
    meeting = next(r for r in plan if r.kind == "meeting")
    assert CAL.working_days_between(meeting.due_at.date(), panel.day) == 1


def test_month_milestone_reminds_against_its_meeting_never_an_invented_day() -> None:
    panel = meeting_in_month(MeetingKind.PANEL, 2019, 5, calendar=CAL)
    assert panel is not None
    report = _milestone(
        "modification_report",
        VagueDate.of_month(2019, 5),
        meeting=panel,
        meeting_kind=MeetingKind.PANEL,
    )
    orphan = _milestone(
        "change_board_vote", VagueDate.of_month(2019, 6), meeting_kind=MeetingKind.CHANGE_BOARD
    )
    plan = plan_reminders(Snapshot(milestones=(report, orphan)), CAL)
    assert [r.due_at.date() for r in plan] == [
        CAL.subtract_working_days(panel.day, 5),
        CAL.subtract_working_days(panel.day, 1),
    ]
    assert all(r.context["target"] == panel.day for r in plan)


@pytest.mark.parametrize(
    ("window", "anchor"),
    [
        (VagueDate.of_month(2019, 4, Precision.EARLY), date(2019, 4, 1)),
        (VagueDate.of_month(2019, 6, Precision.EARLY), date(2019, 6, 3)),  # 1 June: Saturday
        (VagueDate.of_month(2022, 1, Precision.EARLY), date(2022, 1, 4)),  # bank holiday 3rd
        (VagueDate.of_month(2019, 5, Precision.MID), date(2019, 5, 13)),
        (VagueDate.of_month(2021, 12, Precision.LATE), date(2021, 12, 21)),
    ],
)
def test_windows_count_back_from_their_first_working_day(window: VagueDate, anchor: date) -> None:
    plan = plan_reminders(Snapshot(milestones=(_milestone("consultation_close", window),)), CAL)
    assert {r.context["target"] for r in plan} == {anchor}
    assert sorted(CAL.working_days_between(r.due_at.date(), anchor) for r in plan) == [1, 5]
    assert all(r.occurrence.startswith(f"{window.iso()}-{window.precision}") for r in plan)


def test_release_go_live_ten_and_one_working_days_before() -> None:
    release = ReleaseFacts("November 2021", date(2021, 11, 4), (MP,))
    plan = plan_reminders(Snapshot(releases=(release,)), CAL)
    assert [(r.key, r.due_at.date()) for r in plan] == [
        ("release_go_live:november-2021:2021-11-04-10wd", date(2021, 10, 21)),
        ("release_go_live:november-2021:2021-11-04-1wd", date(2021, 11, 3)),
    ]
    assert set(plan[0].audience_topics) == {"all", "release:november 2021", "ref:SECMP0007"}


def test_policy_changes_the_leads_and_hour() -> None:
    policy = ReminderPolicy(
        hour=8,
        meetings={MeetingKind.WORKING_GROUP: MeetingLeads(meeting=(3,))},
        milestones={},
        release=(),
    )
    plan = plan_reminders(
        Snapshot(meetings=_meetings(date(2019, 4, 1), date(2019, 4, 30))), CAL, policy
    )
    assert [(r.kind, r.due_at) for r in plan] == [
        ("meeting", datetime(2019, 3, 29, 8, tzinfo=LONDON))
    ]
    with pytest.raises(ValueError):
        ReminderPolicy(release=(-1,))


def test_same_day_deadline_stays_on_a_non_working_day() -> None:
    saturday = date(2019, 4, 6)
    plan = plan_reminders(
        Snapshot(milestones=(_milestone("authority_decision", VagueDate.of_day(saturday)),)),
        CAL,
        ReminderPolicy(milestones={"authority_decision": (0, 1)}),
    )
    assert [r.due_at.date() for r in plan] == [date(2019, 4, 5), saturday]


def test_reminders_between_is_inclusive() -> None:
    snapshot = Snapshot(meetings=_meetings(date(2019, 4, 3), date(2019, 4, 3)))
    start = at_london(date(2019, 3, 18))
    found = reminders_between(snapshot, CAL, start, start)
    assert [r.kind for r in found] == ["agenda_deadline"]


# -- properties over random snapshots -------------------------------------------------------

KINDS = [str(k) for k in MilestoneKind]
MEETING_OF = {
    "working_group": MeetingKind.WORKING_GROUP,
    "panel_return": MeetingKind.PANEL,
    "modification_report": MeetingKind.PANEL,
    "change_board_vote": MeetingKind.CHANGE_BOARD,
}
days = st.dates(min_value=date(2017, 1, 1), max_value=date(2023, 12, 31))
weekdays = days.filter(lambda d: d.weekday() < 5)


@st.composite
def vague_dates(draw: st.DrawFn) -> VagueDate:
    precision = draw(st.sampled_from(list(Precision)))
    day = draw(days)
    if precision is Precision.DAY:
        return VagueDate.of_day(day)
    return VagueDate.of_month(day.year, day.month, precision)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Snapshot, WorkingCalendar]:
    cal = WorkingCalendar(draw(st.sets(weekdays, max_size=8)))
    start = draw(st.dates(min_value=date(2018, 1, 1), max_value=date(2022, 10, 1)))
    meetings = _meetings(start, start + timedelta(days=draw(st.integers(0, 100))), cal)
    milestones = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(KINDS))
        when = draw(vague_dates())
        meeting_kind = MEETING_OF.get(kind)
        anchor = None
        if meeting_kind is not None and when.precision is not Precision.DAY and draw(st.booleans()):
            anchor = meeting_in_month(meeting_kind, when.year, when.month, calendar=cal)
        ref = draw(st.sampled_from(["SECMP0007", "MP071", "MP159", "DP173"]))
        milestones.append(MilestoneFacts(kind, when, Concerned(ref, "t"), anchor, meeting_kind))
    releases = tuple(
        ReleaseFacts(f"Release {i}", draw(days)) for i in range(draw(st.integers(0, 3)))
    )
    return Snapshot(meetings, tuple(milestones), releases), cal


@given(scenarios())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_reminder_is_at_nine_london_on_a_working_day(
    scenario: tuple[Snapshot, WorkingCalendar],
) -> None:
    snapshot, cal = scenario
    for reminder in plan_reminders(snapshot, cal):
        due = reminder.due_at
        assert due.tzinfo is LONDON
        assert due.timetz().replace(tzinfo=None) == time(9, 0)
        # 09:00 in London is 09:00 UTC in winter and 08:00 UTC in summer.
        assert due.astimezone(UTC).hour in (8, 9)
        assert due.astimezone(UTC).hour == 9 - int(due.utcoffset().total_seconds() // 3600)
        lead, target = reminder.context["lead"], reminder.context["target"]
        assert due.date() <= target
        if lead == 0:
            assert due.date() == target  # a same-day deadline: the only non-Working Day case
        else:
            assert cal.is_working_day(due.date())
            assert due.date() == cal.subtract_working_days(target, lead)
            if cal.is_working_day(target):
                assert cal.working_days_between(due.date(), target) == lead


@given(scenarios(), st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_keys_are_unique_and_stable_across_replanning(
    scenario: tuple[Snapshot, WorkingCalendar], rnd: random.Random
) -> None:
    snapshot, cal = scenario
    first = plan_reminders(snapshot, cal)
    keys = [r.key for r in first]
    assert len(keys) == len(set(keys))
    assert all(r.key == f"{r.kind}:{r.subject}:{r.occurrence}" for r in first)
    shuffled = Snapshot(
        tuple(rnd.sample(snapshot.meetings, len(snapshot.meetings))),
        tuple(rnd.sample(snapshot.milestones, len(snapshot.milestones))),
        tuple(rnd.sample(snapshot.releases, len(snapshot.releases))),
    )
    again = plan_reminders(shuffled, cal)
    assert [(r.key, r.due_at) for r in again] == [(r.key, r.due_at) for r in first]
    # Planning a part of the snapshot (a narrower window) gives the same keys and times.
    half = Snapshot(snapshot.meetings[::2], snapshot.milestones[::2], snapshot.releases[::2])
    due = {r.key: r.due_at for r in first}
    assert all(due[r.key] == r.due_at for r in plan_reminders(half, cal))
