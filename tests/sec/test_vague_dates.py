from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sec.vague_dates import Precision, VagueDate, find_vague_dates, parse_vague_date

TODAY = date(2019, 3, 15)  # a Friday
P = Precision


def day(y: int, m: int, d: int) -> VagueDate:
    return VagueDate.of_day(date(y, m, d))


def month(y: int, m: int, precision: Precision = P.MONTH) -> VagueDate:
    return VagueDate.of_month(y, m, precision)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("early April 2019", month(2019, 4, P.EARLY)),
        ("mid-May", month(2019, 5, P.MID)),
        ("mid May 2019.", month(2019, 5, P.MID)),
        ("by mid-March 2019", month(2019, 3, P.MID)),
        ("by the end of March 2019", month(2019, 3, P.LATE)),
        ("end of October", month(2019, 10, P.LATE)),
        ("late March", month(2019, 3, P.LATE)),
        ("beginning of June", month(2019, 6, P.EARLY)),
        ("middle of July 2020", month(2020, 7, P.MID)),
        ("in October 2021", month(2021, 10)),
        ("October 2021", month(2021, 10)),
        ("Sept 2021", month(2021, 9)),
        ("March", month(2019, 3)),
        ("February", month(2020, 2)),
        ("3 April 2019", day(2019, 4, 3)),
        ("3rd April 2019", day(2019, 4, 3)),
        ("15th March 2017", day(2017, 3, 15)),
        ("Wednesday 3 April 2019", day(2019, 4, 3)),
        ("on Wed, 3 Apr 2019", day(2019, 4, 3)),
        ("April 3rd, 2019", day(2019, 4, 3)),
        ("the 3rd of April", day(2019, 4, 3)),
        ("29 September", day(2019, 9, 29)),
        ("2019-04-03", day(2019, 4, 3)),
        ("2019-04", month(2019, 4)),
        ("03/04/2019", day(2019, 4, 3)),  # day first
        ("03/04/19", day(2019, 4, 3)),
        ("25.12.2019", day(2019, 12, 25)),
        ("tomorrow", day(2019, 3, 16)),
        ("next Wednesday", day(2019, 3, 20)),
        ("in two weeks", day(2019, 3, 29)),
        ("two weeks' time", day(2019, 3, 29)),
        ("this month", month(2019, 3)),
        ("next month", month(2019, 4)),
    ],
)
def test_parse(text, expected):
    assert parse_vague_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    ["", "hello", "a", "1", "the Panel", "next week", "31 February 2019", "03/13/2019", "2019-13"],
)
def test_not_dates(text):
    assert parse_vague_date(text, today=TODAY) is None


def test_year_inferred_from_today():
    assert parse_vague_date("mid-May", today=date(2019, 6, 1)) == month(2020, 5, P.MID)
    assert parse_vague_date("March", today=date(2019, 3, 31)) == month(2019, 3)
    assert parse_vague_date("29 September", today=date(2019, 10, 1)) == day(2020, 9, 29)
    assert parse_vague_date("15 March", today=TODAY) == day(2019, 3, 15)
    assert parse_vague_date("29 February", today=TODAY) == day(2020, 2, 29)


@pytest.mark.parametrize(
    ("value", "text", "first", "last"),
    [
        (day(2019, 4, 3), "Wednesday 3 April 2019", date(2019, 4, 3), date(2019, 4, 3)),
        (month(2019, 4, P.EARLY), "early April 2019", date(2019, 4, 1), date(2019, 4, 10)),
        (month(2019, 5, P.MID), "mid-May 2019", date(2019, 5, 11), date(2019, 5, 20)),
        (month(2019, 3, P.LATE), "late March 2019", date(2019, 3, 21), date(2019, 3, 31)),
        (month(2019, 4), "April 2019", date(2019, 4, 1), date(2019, 4, 30)),
        (month(2020, 2, P.LATE), "late February 2020", date(2020, 2, 21), date(2020, 2, 29)),
    ],
)
def test_window_and_describe(value, text, first, last):
    assert value.describe() == text
    assert (value.start, value.end) == (first, last)
    assert value.contains(first) and value.contains(last)
    assert not value.contains(date.fromordinal(first.toordinal() - 1))
    assert (value.year, value.month) == (first.year, first.month)


def test_iso_and_back():
    assert day(2019, 4, 3).iso() == "2019-04-03"
    assert month(2019, 4, P.EARLY).iso() == "2019-04"
    assert VagueDate.from_iso("2019-04") == month(2019, 4)
    assert VagueDate.from_iso("2019-04", "mid") == month(2019, 4, P.MID)
    assert VagueDate.from_iso("2019-04-03") == day(2019, 4, 3)
    for bad in ("April", "2019-4-x", "2019-02-30"):
        with pytest.raises(ValueError):
            VagueDate.from_iso(bad)


def test_window_must_start_where_its_precision_says():
    with pytest.raises(ValueError):
        VagueDate(date(2019, 4, 3), P.MID)
    with pytest.raises(ValueError):
        VagueDate.of_month(2019, 4, P.DAY)


def test_order_is_by_start():
    assert sorted([month(2019, 4, P.LATE), day(2019, 4, 3), month(2019, 4, P.EARLY)]) == [
        month(2019, 4, P.EARLY),
        day(2019, 4, 3),
        month(2019, 4, P.LATE),
    ]


def spans(text: str) -> list[tuple[str, str]]:
    return [(v.describe(), text[a:b]) for v, a, b in find_vague_dates(text, today=TODAY)]


def test_find_in_a_sentence():
    text = (
        "we expect a response by early April 2019, and to present it at the Working Group "
        "meeting on 3 April 2019"
    )
    assert spans(text) == [
        ("early April 2019", "early April 2019"),
        ("Wednesday 3 April 2019", "3 April 2019"),
    ]


def test_find_more_shapes():
    text = (
        "We will return to the Panel at the May 2019 meeting, finish by the end of March 2019 "
        "and meet again on 03/04/2019 or next month."
    )
    assert spans(text) == [
        ("May 2019", "May 2019"),
        ("late March 2019", "the end of March 2019"),
        ("Wednesday 3 April 2019", "03/04/2019"),
        ("April 2019", "next month"),
    ]


def test_find_ignores_plain_words():
    text = (
        "Parties may march on; Jan said version 10.2.15 applies to SECMP0007 April releases "
        "on the first Wednesday of each month, a week later if need be."
    )
    assert spans(text) == [("April 2019", "April")]


date_values = st.builds(
    lambda d, p: VagueDate.of_day(d) if p is P.DAY else VagueDate.of_month(d.year, d.month, p),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(list(Precision)),
)
tokens = st.sampled_from(
    [
        "by",
        "the",
        "end",
        "of",
        "early",
        "mid-",
        "late",
        "in",
        "on",
        "next",
        "this",
        "month",
        "Wednesday",
        "May",
        "march",
        "Sept.",
        "3rd",
        "29",
        "31",
        "2019",
        "19",
        "2019-04",
        "03/04/2019",
        "99/99/9999",
        "/",
        "-",
        ".",
        ",",
        "tomorrow",
        "two",
        "weeks",
        "ago",
        "0",
    ]
)
fuzz_text = st.one_of(st.text(max_size=80), st.lists(tokens, max_size=8).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(text=fuzz_text, today=st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)))
def test_fuzz_never_raises_and_round_trips(text, today):
    value = parse_vague_date(text, today=today)
    assert value is None or isinstance(value, VagueDate)
    if value is not None:
        assert VagueDate.from_iso(value.iso(), value.precision) == value
    for found, start, end in find_vague_dates(text, today=today):
        assert 0 <= start < end <= len(text)
        assert VagueDate.from_iso(found.iso(), found.precision) == found


@given(value=date_values, today=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)))
def test_described_dates_parse_back(value, today):
    assert VagueDate.from_iso(value.iso(), value.precision) == value
    assert parse_vague_date(value.describe(), today=today) == value
    assert find_vague_dates(f"due {value.describe()}.", today=today)[0][0] == value
