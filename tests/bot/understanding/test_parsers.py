"""Property and example tests for the understanding layer's pure parsers (no store)."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.understanding.filters import FilterError, ListFilters, parse_filters
from bot.understanding.periods import month_period, parse_period, year_period
from bot.understanding.question import _bare_ref
from bot.understanding.sentences import read_sentence
from bot.understanding.vocabulary import (
    QUESTION_WORDS,
    correct_command_word,
    correct_typos,
    expand_abbreviations,
)

KNOWN = {"status", "history", "list", "release", "releases", "search", "pending", "meetings"}
STAGES = st.sampled_from(["on_hold", "refinement", "report", "withdrawn", "implemented", "draft"])


@st.composite
def filters(draw: st.DrawFn) -> ListFilters:
    return ListFilters(
        stages=tuple(draw(st.lists(STAGES, max_size=2, unique=True))),
        release=draw(st.sampled_from([None, "November 2022", "February 2022"])),
        release_state=draw(st.sampled_from(["scope", "candidate", "removed"])),
        dcc=draw(st.sampled_from([None, True, False])),
        proposer=draw(st.sampled_from([None, "British Gas", "DCC"])),
        wait_kind=draw(st.sampled_from([None, "ia", "pa", "decision"])),
        path=draw(st.sampled_from([None, "path1", "path3", "fast_track"])),
        raised=draw(st.sampled_from([None, year_period(2019), month_period(2019, 4)])),
        next_meeting=draw(st.sampled_from([None, "panel", "working_group"])),
        page=draw(st.integers(min_value=1, max_value=5)),
    )


@given(filters())
@settings(deadline=None)  # the machine is shared: timing is not what this tests
def test_filters_round_trip_through_the_syntax(original: ListFilters) -> None:
    if original.release is None:
        original = ListFilters(**{**original.__dict__, "release_state": "scope"})
    parsed, leftover = parse_filters(original.to_args(page=original.page))
    assert leftover == []
    assert parsed == original


@given(st.text(max_size=200))
@settings(deadline=None)
def test_parsers_never_raise_on_any_text(text: str) -> None:
    parse_period(text)
    read_sentence(text)
    expand_abbreviations(text)
    _bare_ref(text)
    with contextlib.suppress(FilterError):  # a clear message is fine; a crash is not
        parse_filters(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_corrected_words_are_always_known_commands(word: str) -> None:
    corrected = correct_command_word(word, KNOWN)
    assert corrected is None or corrected in KNOWN


@given(st.integers(min_value=1990, max_value=2040), st.integers(min_value=1, max_value=12))
def test_a_month_period_holds_exactly_its_days(year: int, month: int) -> None:
    period = parse_period(f"{date(year, month, 1):%B} {year}")
    assert period is not None
    assert period.start == date(year, month, 1)
    assert period.end.month == month and period.contains(period.end)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("staus", "status"), ("lsit", "list"), ("relases", "releases"), ("pendign", "pending")],
)
def test_typos_of_command_words(typed: str, expected: str) -> None:
    assert correct_command_word(typed, KNOWN) == expected


@pytest.mark.parametrize("word", ["last", "lis", "what", "which", "panel"])
def test_ordinary_words_are_not_commands(word: str) -> None:
    assert correct_command_word(word, KNOWN) is None


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("staus 27", "SECMP0027"),
        ("27 April", None),
        ("April 27", None),
        ("in 2019", None),
        ("SEC v5.5", None),
        ("what about 159", "MP159"),
        ("the 3rd of May", None),
    ],
)
def test_bare_numbers_are_references_only_when_not_dates(text: str, ref: str | None) -> None:
    assert _bare_ref(text) == ref


def test_abbreviations_are_spelled_out() -> None:
    text = expand_abbreviations("WG and CB after the IA, PA and MRC")
    assert text == (
        "Working Group and Change Board after the Impact Assessment, Preliminary Assessment "
        "and Modification Report Consultation"
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("waht is in the Nov 2022 relaese", "what is in the Nov 2022 release"),
        ("whcih mods are on hold", "which mods are on hold"),
        ("meetngs panel", "meetings panel"),
    ],
)
def test_question_words_are_corrected(typed: str, meant: str) -> None:
    assert correct_typos(typed) == meant


@pytest.mark.parametrize(
    "text", ["the changed spending", "form from", "groups panels", "SECMPO0O55"]
)
def test_real_words_and_references_are_not_corrected(text: str) -> None:
    assert correct_typos(text) == text


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=60))
@settings(deadline=None)
def test_typo_correction_keeps_the_words_and_never_touches_known_ones(text: str) -> None:
    corrected = correct_typos(text)
    assert len(corrected.split()) == len(text.split())
    for before, after in zip(text.split(), corrected.split(), strict=True):
        assert after == before or after in QUESTION_WORDS


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))
def test_a_uk_day_is_that_day_not_its_month(day: date) -> None:
    period = parse_period(f"what came in on {day:%-d %B %Y}")
    assert period is not None and period.start == period.end == day
