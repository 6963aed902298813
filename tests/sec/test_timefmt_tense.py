"""Tense and age phrases: past days are spoken of in the past tense, ages read as people say."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sec.timefmt import age_phrase, due_phrase, go_live_phrase, months_between, tense

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def test_the_issue_examples() -> None:
    today = date(2026, 12, 1)
    assert age_phrase(date(2021, 9, 21), today) == "over five years ago"
    assert go_live_phrase(date(2022, 2, 24), today) == (
        "was due to go live on Thursday 24 February 2022"
    )
    assert go_live_phrase(date(2022, 2, 24), today, happened=True) == (
        "went live on Thursday 24 February 2022"
    )
    assert go_live_phrase(date(2027, 2, 25), today) == "goes live on Thursday 25 February 2027"


def test_ages_read_as_people_say_them() -> None:
    today = date(2026, 12, 1)
    assert age_phrase(today, today) == "today"
    assert age_phrase(date(2026, 11, 30), today) == "yesterday"
    assert age_phrase(date(2026, 11, 24), today) == "seven days ago"
    assert age_phrase(date(2026, 11, 3), today) == "four weeks ago"
    assert age_phrase(date(2026, 6, 1), today) == "six months ago"
    assert age_phrase(date(2025, 12, 1), today) == "a year ago"
    assert age_phrase(date(2025, 11, 1), today) == "over a year ago"
    assert age_phrase(date(2027, 1, 1), today) == "in the future"


@given(DAYS, DAYS)
def test_a_past_go_live_is_never_in_the_future_tense(go_live: date, today: date) -> None:
    for happened in (None, False, True):
        phrase = go_live_phrase(go_live, today, happened=happened)
        if go_live < today:
            assert "goes live" not in phrase and "going live" not in phrase
            assert phrase.startswith("went live" if happened else "was due to go live")
        else:
            assert phrase.startswith("goes live")


@given(DAYS, DAYS)
def test_tense_and_due_follow_the_day(day: date, today: date) -> None:
    said = tense(day, today, past="p", present="n", future="f")
    assert said == ("p" if day < today else "n" if day == today else "f")
    assert due_phrase(day, today).startswith("was due") == (day < today)


@given(DAYS, st.integers(min_value=0, max_value=20000))
def test_ages_grow_with_time(then: date, gap: int) -> None:
    later = then + timedelta(days=gap)
    phrase = age_phrase(then, later)
    assert phrase.endswith("ago") or phrase == "today"
    years = months_between(then, later) // 12
    if years >= 1:
        assert "year" in phrase
    assert months_between(then, later + timedelta(days=40)) >= months_between(then, later)
