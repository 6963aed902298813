"""`meetings` and `deadlines` over the sample data, as people ask, rendered as text."""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from bot.answers.calendar import parse_period, split_kinds
from bot.answers.calendar_views import DeadlinesView, MeetingsView
from bot.render import render_text
from bot.router import Context, Router, build_router
from bot.views import Answer
from sec.meetings import MeetingKind
from sec.workdays import WorkingCalendar

PAPER_DAY = date(2019, 3, 8)  # the March 2019 Panel paper on modification timetables


@pytest.fixture(scope="module")
def router(sample_store: sessionmaker[Session]) -> Router:
    return build_router(sample_store)


def ask(router: Router, text: str, as_of: date = PAPER_DAY) -> tuple[Answer, str]:
    answer = router.answer(text, Context(as_of=as_of))
    return answer, render_text(answer)


def section(text: str, start: str) -> str:
    """The lines of one meeting in a meetings answer, from its heading line to the next one."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if start in line)
    rest = [i for i in range(first + 1, len(lines)) if lines[i].startswith("  - ")]
    return "\n".join(lines[first : rest[0] if rest else len(lines)])


# --- meetings -------------------------------------------------------------------------------


def test_meetings_next_shows_the_first_monthly_working_group(router: Router) -> None:
    answer, text = ask(router, "meetings next")
    assert answer.ok and answer.kind == "meetings"
    wg = section(text, "Working Group: Wednesday 3 April 2019")
    assert "Agenda confirmed by Wednesday 20 March 2019" in wg
    assert "Papers published by Wednesday 27 March 2019" in wg
    for ref in ("SECMP0007", "SECMP0012", "SECMP0053", "SECMP0066"):
        assert ref in wg
    # The next of every series, soonest first, the paper's Panel date included.
    assert "SEC Panel: Friday 15 March 2019" in text
    assert "Change Board: Wednesday 27 March 2019" in text
    assert "Change Sub-Committee: Tuesday 26 March 2019" in text
    days = [m.day for m in answer.model.meetings]
    assert days == sorted(days) and all(d >= PAPER_DAY for d in days)


def test_meetings_next_counts_from_the_as_of_day(router: Router) -> None:
    answer, text = ask(router, "meetings next working group", as_of=date(2019, 4, 4))
    assert [m.day for m in answer.model.meetings] == [date(2019, 5, 1)]
    assert "Agenda confirmed by Monday 15 April 2019" in text  # Easter skipped


def test_meetings_in_a_month(router: Router) -> None:
    answer, text = ask(router, "meetings May 2019")
    assert answer.ok
    wg = section(text, "Working Group: Wednesday 1 May 2019")
    assert "Agenda confirmed by Monday 15 April 2019" in wg
    assert {m.kind for m in answer.model.meetings} == set(MeetingKind)
    assert all(m.day.month == 5 for m in answer.model.meetings)


def test_the_may_2019_panel_meeting_resolves_to_a_date(router: Router) -> None:
    answer, text = ask(router, "meetings the May 2019 Panel meeting")
    assert [(m.kind, m.day) for m in answer.model.meetings] == [("panel", date(2019, 5, 17))]
    assert "SECMP0062" in text and "Modification Report due" in text


def test_meetings_of_one_kind(router: Router) -> None:
    answer, _ = ask(router, "meetings change board", as_of=date(2021, 9, 22))
    assert [m.day for m in answer.model.meetings] == [
        date(2021, 9, 29),
        date(2021, 10, 27),
        date(2021, 11, 24),
    ]
    assert "MP164" in {e.ref for e in answer.model.meetings[0].expected}


def test_default_is_the_next_six_weeks(router: Router) -> None:
    answer, text = ask(router, "meetings")
    assert isinstance(answer.model, MeetingsView)
    assert "next 6 weeks" in text
    days = [m.day for m in answer.model.meetings]
    assert min(days) >= PAPER_DAY and max(days) <= PAPER_DAY + timedelta(days=41)


def test_expected_modifications_depend_on_what_was_known(router: Router) -> None:
    _, before = ask(router, "meetings April 2019 working group", as_of=date(2019, 3, 1))
    _, after = ask(router, "meetings April 2019 working group", as_of=PAPER_DAY)
    assert "SECMP0007" not in before and "SECMP0007" in after


def test_past_meetings_are_marked_passed_not_held(router: Router) -> None:
    # Nothing in the store says the meeting was held: its date passed, and a paper confirmed it.
    _, text = ask(router, "meetings panel March 2019", as_of=date(2021, 1, 1))
    assert "SEC Panel: Friday 15 March 2019 (date passed)" in text
    assert "(held)" not in text
    assert "date from a paper, confirmed" in text


def test_a_question_about_meetings_is_answered(router: Router) -> None:
    answer, _ = ask(router, "when is the next working group meeting?")
    assert answer.ok and answer.kind == "meetings"


@pytest.mark.parametrize(
    "text", ["meetings foo", "meetings panel banana", "meetings next 900 months"]
)
def test_unreadable_meetings_request_is_a_helpful_failure(router: Router, text: str) -> None:
    answer, rendered = ask(router, text)
    assert not answer.ok and answer.kind == "usage"
    assert "Try:" in rendered and "meetings next" in rendered


def test_split_kinds() -> None:
    assert split_kinds("the next WG") == ([MeetingKind.WORKING_GROUP], "next")
    assert split_kinds("Change Board and CSC in May 2019")[0] == [
        MeetingKind.CSC,
        MeetingKind.CHANGE_BOARD,
    ]
    assert split_kinds("when is the next panel meeting?") == ([MeetingKind.PANEL], "next")


# --- deadlines ------------------------------------------------------------------------------


def test_deadlines_default_to_four_weeks_soonest_first(router: Router) -> None:
    answer, text = ask(router, "deadlines")
    view = answer.model
    assert answer.ok and isinstance(view, DeadlinesView)
    assert (view.start, view.end) == (PAPER_DAY, date(2019, 4, 4))
    days = [item.day for item in view.items]
    assert days == sorted(days)
    assert "Wednesday 20 March 2019: Working Group agenda confirmed" in text
    assert "Wednesday 27 March 2019: Working Group papers published" in text
    assert "mid-March 2019: SECMP0053" in text  # the precision kept, no day invented


def test_deadlines_in_a_month_place_month_milestones_at_their_meeting(router: Router) -> None:
    answer, text = ask(router, "deadlines April 2019")
    assert answer.ok and "Deadlines in April 2019" in text
    assert "early April 2019: SECMP0010: DCC Preliminary Assessment due" in text
    # Good Friday moves the April 2019 Panel to the 26th; "April 2019" returns go there.
    assert "April 2019, at the SEC Panel on Friday 26 April 2019: SECMP0007" in text
    assert all(date(2019, 4, 1) <= i.day <= date(2019, 4, 30) for i in answer.model.items)


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("this month", date(2019, 3, 1), date(2019, 3, 31)),
        ("next month", date(2019, 4, 1), date(2019, 4, 30)),
        ("next 2 weeks", PAPER_DAY, date(2019, 3, 21)),
        ("this week", date(2019, 3, 4), date(2019, 3, 10)),
        ("until 3 April 2019", PAPER_DAY, date(2019, 4, 3)),
        ("early April 2019", date(2019, 4, 1), date(2019, 4, 10)),
    ],
)
def test_deadline_periods(router: Router, period: str, start: date, end: date) -> None:
    answer, _ = ask(router, f"deadlines {period}")
    assert answer.ok, period
    assert (answer.model.start, answer.model.end) == (start, end)


def test_passed_deadlines_are_marked(router: Router) -> None:
    _, text = ask(router, "deadlines this month")
    assert "Wednesday 6 March 2019: Working Group agenda confirmed" in text
    assert "[passed]" in section(text, "Wednesday 6 March 2019")


def test_unknown_period_is_a_helpful_failure(router: Router) -> None:
    answer, text = ask(router, "deadlines whenever suits")
    assert not answer.ok and answer.kind == "usage"
    assert "deadlines next month" in text and "deadlines April 2019" in text


def test_deadlines_never_fall_on_non_working_days(router: Router) -> None:
    working = WorkingCalendar()
    answer, _ = ask(router, "deadlines next 12 months", as_of=date(2019, 4, 1))
    meeting_items = [i for i in answer.model.items if i.ref is None]
    assert len(meeting_items) >= 55  # five deadlines a month across four series
    assert all(working.is_working_day(i.day) for i in meeting_items)


# --- parse_period ---------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2017, 1, 1), max_value=date(2035, 12, 31))


@given(DAYS, st.integers(min_value=1, max_value=52))
def test_next_n_weeks_starts_today_and_lasts_n_weeks(today: date, n: int) -> None:
    period = parse_period(f"next {n} weeks", today=today)
    assert period is not None
    assert period.start == today and (period.end - period.start).days == 7 * n - 1


@given(DAYS, st.integers(min_value=1, max_value=24))
def test_next_n_months_ends_the_day_before_the_same_date(today: date, n: int) -> None:
    period = parse_period(f"the next {n} months", today=today)
    assert period is not None and period.start == today
    after = period.end + timedelta(days=1)
    assert (after.year * 12 + after.month) - (today.year * 12 + today.month) == n
    assert after.day == min(today.day, _calendar.monthrange(after.year, after.month)[1])


@given(DAYS, st.integers(min_value=2017, max_value=2035), st.integers(min_value=1, max_value=12))
def test_a_named_month_is_the_whole_month(today: date, year: int, month: int) -> None:
    period = parse_period(f"{_calendar.month_name[month]} {year}", today=today)
    assert period is not None
    assert period.start == date(year, month, 1)
    assert period.end == date(year, month, _calendar.monthrange(year, month)[1])


@given(DAYS, st.sampled_from(["this week", "next week"]))
def test_weeks_run_monday_to_sunday(today: date, which: str) -> None:
    period = parse_period(which, today=today)
    assert period is not None
    assert period.start.weekday() == 0 and (period.end - period.start).days == 6
    assert period.start <= today + timedelta(days=7) and period.end >= today


@given(DAYS, st.text(max_size=40))
def test_parse_period_never_raises_and_is_ordered(today: date, text: str) -> None:
    period = parse_period(text, today=today)
    assert period is None or period.start <= period.end
