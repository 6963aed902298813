from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sec.releases import MONTH_NAMES, ReleaseMonth, parse_release_month, release_title


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Feb 2022", ReleaseMonth(2022, 2)),
        ("February 2022 SEC Release", ReleaseMonth(2022, 2)),
        ("feb22", ReleaseMonth(2022, 2)),
        ("Feb-22", ReleaseMonth(2022, 2)),
        ("is MP128B in Feb 22?", ReleaseMonth(2022, 2)),
        ("2022-11", ReleaseMonth(2022, 11)),
        ("Sept 2021", ReleaseMonth(2021, 9)),
        ("what's in the November 2022 release", ReleaseMonth(2022, 11)),
    ],
)
def test_release_names_people_type(text: str, expected: ReleaseMonth) -> None:
    assert parse_release_month(text) == expected


@pytest.mark.parametrize("text", ["", "release", "MP159", "the next one", "marching 22x"])
def test_text_without_a_month_is_not_a_release(text: str) -> None:
    assert parse_release_month(text) is None


@given(st.integers(2015, 2040), st.integers(1, 12))
def test_stored_names_round_trip(year: int, month: int) -> None:
    release = ReleaseMonth(year, month)
    assert parse_release_month(release.name) == release
    assert parse_release_month(release.title) == release
    assert release.name == f"{MONTH_NAMES[month - 1]} {year}"


def test_release_title_adds_the_suffix_once() -> None:
    assert release_title("February 2022") == "February 2022 SEC Release"
    assert release_title("February 2022 SEC Release") == "February 2022 SEC Release"
