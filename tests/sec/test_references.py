from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sec.references import FIRST_MP_NUMBER, Ref, canonical, find_refs, parse_ref, unique_refs


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("MP159", "MP159"),
        ("mp 159", "MP159"),
        ("159", "MP159"),
        ("MP77", "MP077"),
        ("SECMP7", "SECMP0007"),
        ("SECMP 0071", "MP071"),
        ("SECMPO0007", "SECMP0007"),
        ("SECMPO0O055", "SECMP0055"),
        ("MPQ77", "MP077"),
        ("MPO099", "MP099"),
        ("mp128b", "MP128B"),
        ("MP128B", "MP128B"),
        ("DP173", "DP173"),
        ("dp 173", "DP173"),
        ("'MP159'", "MP159"),
        ("MP159?", "MP159"),
        ("(SECMP0024)", "SECMP0024"),
        ("secmp-0012", "SECMP0012"),
        ("7", "SECMP0007"),
        ("DP7", "SECMP0007"),  # early numbers are SECMP whatever the prefix
    ],
)
def test_every_spelling_resolves_to_the_canonical_form(typed: str, expected: str) -> None:
    assert canonical(typed) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "MP",
        "hello",
        "2019",
        "release",
        "MPs",
        "DPIA",
        "SECMP",
        "0",
        "MP0",
        "12345",
        "O7",
        "February 2022",
        "mp-",
        "ssc",
    ],
)
def test_words_that_are_not_references_do_not_parse(text: str) -> None:
    assert parse_ref(text) is None


def test_a_draft_proposal_and_its_modification_are_the_same_modification() -> None:
    dp, mp = parse_ref("DP173"), parse_ref("MP173")
    assert dp is not None and mp is not None
    assert dp.key == mp.key
    assert (dp.canonical, mp.canonical) == ("DP173", "MP173")


def test_footnote_marker_after_an_early_reference_is_not_part_of_it() -> None:
    assert [r.canonical for r in unique_refs("Now that SECMP00492 has been implemented")] == [
        "SECMP0049"
    ]


def test_references_in_running_ocr_text() -> None:
    text = "SECMPO0007 ‘Firmware’ and MPQ77 ‘DCC Service Flagging’; MP128B, then MPO099. MPs agree."
    assert [f.ref.canonical for f in find_refs(text)] == ["SECMP0007", "MP077", "MP128B", "MP099"]


def test_unique_refs_merge_prefixes_of_one_modification() -> None:
    assert [r.canonical for r in unique_refs("DP173 became MP173")] == ["DP173"]


refs = st.builds(
    Ref,
    number=st.integers(min_value=1, max_value=999),
    letter=st.sampled_from(["", "A", "B", "C"]),
    series=st.sampled_from(["SECMP", "MP", "DP"]),
)


@given(refs)
def test_canonical_forms_round_trip(ref: Ref) -> None:
    parsed = parse_ref(ref.canonical)
    assert parsed is not None
    assert parsed.key == ref.key
    assert parsed.canonical == ref.canonical or ref.series == "DP" and ref.number < FIRST_MP_NUMBER


@given(refs, st.sampled_from(["{}", " {} ", "{}.", "“{}”", "{}?"]))
def test_canonical_forms_are_found_in_text(ref: Ref, frame: str) -> None:
    found = list(find_refs("see " + frame.format(ref.canonical) + " for details"))
    assert [f.ref.key for f in found] == [ref.key]


@given(st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=40))
def test_text_without_digits_is_never_a_reference(text: str) -> None:
    assert parse_ref(text) is None
    assert list(find_refs(text)) == []


@given(st.from_regex(r"[A-Za-z]{3,12}", fullmatch=True))
def test_plain_words_are_not_references(word: str) -> None:
    assert parse_ref(word) is None
