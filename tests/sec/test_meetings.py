from datetime import date

import pytest

from sec.meetings import (
    DEFAULT_RULES,
    Meeting,
    MeetingKind,
    MeetingOverride,
    meeting_in_month,
    meetings_between,
    next_meeting,
    rule_date,
)
from sec.workdays import WorkingCalendar

CAL = WorkingCalendar()
WG = MeetingKind.WORKING_GROUP
# Every month of the Working Group series from its start to the end of 2027.
WG_MONTHS = [(y, m) for y in range(2019, 2028) for m in range(1, 13) if (y, m) >= (2019, 4)]


def wg(year: int, month: int, overrides=(), calendar=CAL) -> Meeting | None:
    return meeting_in_month(WG, year, month, calendar=calendar, overrides=overrides)


def test_first_working_group_and_its_deadlines():
    meeting = wg(2019, 4)
    assert meeting is not None
    assert meeting.day == date(2019, 4, 3)
    assert meeting.agenda_deadline == date(2019, 3, 20)
    assert meeting.papers_deadline == date(2019, 3, 27)
    assert meeting.source == "rule"
    assert meeting.title == "Working Group, Wednesday 3 April 2019"
    assert meeting.uid == "wg-2019-04@secbot"


def test_may_2019_agenda_skips_easter():
    meeting = wg(2019, 5)
    assert meeting is not None
    assert meeting.day == date(2019, 5, 1)
    assert meeting.agenda_deadline == date(2019, 4, 15)


def test_no_working_group_before_the_series_starts():
    assert wg(2019, 3) is None
    assert meetings_between(date(2019, 1, 1), date(2019, 3, 31), calendar=CAL, kinds=[WG]) == []


def test_new_years_day_pushes_january_2020_a_week():
    assert rule_date(DEFAULT_RULES[WG], 2020, 1, CAL) == date(2020, 1, 8)


@pytest.mark.parametrize(("year", "month"), WG_MONTHS)
def test_working_group_always_on_a_working_wednesday(year, month):
    meeting = wg(year, month)
    assert meeting is not None
    assert meeting.day.weekday() == 2
    assert CAL.is_working_day(meeting.day)
    assert CAL.holiday_name(meeting.day) is None
    assert meeting.day.day <= 14  # the first Wednesday, or a week later when that is a holiday
    assert meeting.agenda_deadline is not None and meeting.papers_deadline is not None
    assert CAL.working_days_between(meeting.agenda_deadline, meeting.day) == 10
    assert CAL.working_days_between(meeting.papers_deadline, meeting.day) == 5


def test_every_series_lands_on_working_days():
    meetings = meetings_between(date(2019, 1, 1), date(2027, 12, 31), calendar=CAL)
    assert all(CAL.is_working_day(m.day) for m in meetings)
    assert len({m.uid for m in meetings}) == len(meetings)


def test_panel_is_the_third_friday():
    march = meeting_in_month(MeetingKind.PANEL, 2019, 3, calendar=CAL)
    assert march is not None and march.day == date(2019, 3, 15)
    assert march.papers_deadline == date(2019, 3, 8)
    assert march.agenda_deadline is None
    may = meeting_in_month(MeetingKind.PANEL, 2019, 5, calendar=CAL)
    assert may is not None and may.day == date(2019, 5, 17)
    assert may.title == "SEC Panel, Friday 17 May 2019"


def test_change_board_is_the_last_wednesday():
    for month, expected in [(9, date(2021, 9, 29)), (10, date(2021, 10, 27))]:
        meeting = meeting_in_month(MeetingKind.CHANGE_BOARD, 2021, month, calendar=CAL)
        assert meeting is not None and meeting.day == expected
        assert meeting.uid == f"cb-2021-{month:02d}@secbot"


def test_csc_is_the_last_tuesday():
    meeting = meeting_in_month(MeetingKind.CSC, 2021, 9, calendar=CAL)
    assert meeting is not None and meeting.day == date(2021, 9, 28)
    assert meeting.kind.label == "Change Sub-Committee"


def test_move_keeps_the_uid_and_recomputes_deadlines():
    move = MeetingOverride(WG, (2019, 5), "move", date(2019, 5, 8), note="room clash")
    meeting = wg(2019, 5, [move])
    assert meeting is not None
    assert (meeting.day, meeting.source, meeting.note) == (date(2019, 5, 8), "moved", "room clash")
    assert meeting.uid == "wg-2019-05@secbot"
    # 6 May 2019 is the Early May bank holiday.
    assert meeting.agenda_deadline == date(2019, 4, 23)
    assert meeting.papers_deadline == date(2019, 4, 30)
    in_may = meetings_between(date(2019, 5, 1), date(2019, 5, 31), calendar=CAL, overrides=[move])
    assert [m.day for m in in_may if m.kind is WG] == [date(2019, 5, 8)]


def test_a_move_far_away_is_found_where_it_lands():
    move = MeetingOverride(WG, (2019, 5), "move", date(2019, 9, 11))
    september = meetings_between(
        date(2019, 9, 1), date(2019, 9, 30), calendar=CAL, overrides=[move], kinds=[WG]
    )
    assert [(m.day, m.uid) for m in september] == [
        (date(2019, 9, 4), "wg-2019-09@secbot"),
        (date(2019, 9, 11), "wg-2019-05@secbot"),
    ]


def test_cancel_removes_the_occurrence():
    cancel = MeetingOverride(WG, (2019, 8), "cancel")
    assert wg(2019, 8, [cancel]) is None
    found = meetings_between(
        date(2019, 8, 1), date(2019, 8, 31), calendar=CAL, overrides=[cancel], kinds=[WG]
    )
    assert found == []


def test_ad_hoc_meeting_is_added_with_rule_deadlines():
    extra = MeetingOverride(WG, None, "add", date(2019, 4, 17), note="extra session")
    found = meetings_between(
        date(2019, 4, 1), date(2019, 4, 30), calendar=CAL, overrides=[extra], kinds=[WG]
    )
    assert [m.day for m in found] == [date(2019, 4, 3), date(2019, 4, 17)]
    added = found[1]
    assert added.source == "ad_hoc"
    assert added.uid == "wg-2019-04-17-extra@secbot"
    assert added.agenda_deadline == date(2019, 4, 3)
    assert added.papers_deadline == date(2019, 4, 10)
    # The regular April meeting is still "the April meeting".
    assert wg(2019, 4, [extra]) == found[0]


def test_ad_hoc_stands_in_for_a_cancelled_month():
    overrides = [
        MeetingOverride(WG, (2019, 8), "cancel"),
        MeetingOverride(WG, None, "add", date(2019, 8, 14)),
    ]
    meeting = wg(2019, 8, overrides)
    assert meeting is not None and meeting.day == date(2019, 8, 14)


def test_date_from_a_paper_wins_and_says_so():
    paper = MeetingOverride(MeetingKind.PANEL, (2021, 5), "move", date(2021, 5, 14), source="paper")
    meeting = meeting_in_month(MeetingKind.PANEL, 2021, 5, calendar=CAL, overrides=[paper])
    assert meeting is not None
    assert (meeting.day, meeting.source) == (date(2021, 5, 14), "paper")


def test_last_override_wins():
    overrides = [
        MeetingOverride(WG, (2019, 6), "cancel"),
        MeetingOverride(WG, (2019, 6), "move", date(2019, 6, 12)),
    ]
    meeting = wg(2019, 6, overrides)
    assert meeting is not None and meeting.day == date(2019, 6, 12)


def test_closure_moves_the_rule_date():
    closed = WorkingCalendar([date(2019, 4, 3)])
    meeting = wg(2019, 4, calendar=closed)
    assert meeting is not None and meeting.day == date(2019, 4, 10)
    assert meeting.uid == "wg-2019-04@secbot"


@pytest.mark.parametrize(
    "override",
    [
        lambda: MeetingOverride(WG, None, "move", date(2019, 5, 8)),
        lambda: MeetingOverride(WG, (2019, 5), "move"),
        lambda: MeetingOverride(WG, (2019, 5), "add", date(2019, 5, 8)),
        lambda: MeetingOverride(WG, None, "cancel"),
        lambda: MeetingOverride(WG, (2019, 13), "cancel"),
    ],
)
def test_inconsistent_overrides_are_rejected(override):
    with pytest.raises(ValueError):
        override()


def next_wg_day(after: date, overrides=()) -> date | None:
    found = next_meeting(WG, after, calendar=CAL, overrides=overrides)
    return None if found is None else found.day


def test_next_meeting_is_on_or_after():
    assert next_wg_day(date(2019, 4, 3)) == date(2019, 4, 3)
    assert next_wg_day(date(2019, 4, 4)) == date(2019, 5, 1)
    assert next_wg_day(date(2018, 6, 1)) == date(2019, 4, 3)
    cancel = [MeetingOverride(WG, (2019, 5), "cancel")]
    assert next_wg_day(date(2019, 4, 4), cancel) == date(2019, 6, 5)


def test_next_meeting_none_without_a_series():
    assert next_meeting(WG, date(2019, 4, 4), calendar=CAL, rules={}) is None


def test_meetings_are_sorted_and_filtered_by_kind():
    found = meetings_between(date(2021, 9, 1), date(2021, 10, 31), calendar=CAL)
    assert [m.day for m in found] == sorted(m.day for m in found)
    assert {m.kind for m in found} == set(MeetingKind)
    only = meetings_between(
        date(2021, 9, 1), date(2021, 10, 31), calendar=CAL, kinds=[MeetingKind.CHANGE_BOARD]
    )
    assert [m.day for m in only] == [date(2021, 9, 29), date(2021, 10, 27)]


def test_labels():
    assert [k.label for k in MeetingKind] == [
        "Working Group",
        "SEC Panel",
        "Change Board",
        "Change Sub-Committee",
    ]


CB, CSC = MeetingKind.CHANGE_BOARD, MeetingKind.CSC
LAST_OF_MONTH_CASES = [
    (CB, 2019, 12, date(2019, 12, 18)),  # Christmas Day 2019 is the last Wednesday
    (CSC, 2021, 12, date(2021, 12, 21)),  # 28 December 2021 is the Boxing Day substitute
    (CSC, 2023, 12, date(2023, 12, 19)),  # Boxing Day 2023 is the last Tuesday
    (CB, 2022, 12, date(2022, 12, 28)),  # a Working Day: no shift
]


@pytest.mark.parametrize(("kind", "year", "month", "expected"), LAST_OF_MONTH_CASES)
def test_last_of_month_series_move_a_week_earlier(kind, year, month, expected):
    meeting = meeting_in_month(kind, year, month, calendar=CAL)
    assert meeting is not None and meeting.day == expected
    assert meeting.uid == f"{kind.uid_prefix}-{year}-{month:02d}@secbot"


def test_last_of_month_rules_shift_earlier_and_the_others_later():
    assert DEFAULT_RULES[CB].shift_days == DEFAULT_RULES[CSC].shift_days == -7
    assert DEFAULT_RULES[WG].shift_days == DEFAULT_RULES[MeetingKind.PANEL].shift_days == 7


@pytest.mark.parametrize("kind", [CB, CSC])
def test_last_of_month_meetings_stay_in_their_month(kind):
    for year in range(2017, 2028):
        for month in range(1, 13):
            meeting = meeting_in_month(kind, year, month, calendar=CAL)
            assert meeting is not None
            assert (meeting.day.year, meeting.day.month) == (year, month)
            assert CAL.is_working_day(meeting.day)
            assert meeting.day.weekday() == DEFAULT_RULES[kind].weekday


def test_a_closure_on_the_last_wednesday_moves_change_board_earlier():
    closed = WorkingCalendar([date(2021, 9, 29)])
    meeting = meeting_in_month(CB, 2021, 9, calendar=closed)
    assert meeting is not None and meeting.day == date(2021, 9, 22)
