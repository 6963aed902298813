"""Fuzzing: whatever text or bytes come in, only UnreadableDocument ever comes out."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.ingest_accuracy import seeds_dir
from sec.references import unique_refs
from storage.ingest import (
    ChangeSet,
    SourceText,
    UnreadableDocument,
    extract,
    read_document,
    source_from_text,
)

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of the layouts in our own words, plus the seed papers' lines when they are here.
OWN_FRAGMENTS = [
    "3. February 2031 SEC Release",
    "MP301 ‘Battery Approved for inclusion. v",
    "Alert Thresholds’",
    "SECMPO0007 'Firmware for home displays'",
    "We will return to the Panel at the May 2019 meeting.",
    "by early April",
    "mid-May",
    "the end of March 2019",
    "on 29 September",
    "MP154 ‘Spare Parts’ should be removed from the scope of this release.",
    "SECAS is awaiting the Proper’s decision on which route to take",
    "MP200\tA title\tRefinement",
    "(DUIS and MMC | . .",
    "changes only)",
    "https://smartenergycodecompany.co.uk/modifications/battery-alert-thresholds/",
    "Page 4 of 9",
    "Administered by",
    "\f",
    " ",
    "’",
    "‘",
    "|",
    "\t",
    "\n\n",
    "The Panel are requested to:",
    "AGREE to request a thing for MP12",
    "10th April 2017",
]


def _seed_lines() -> list[str]:
    folder = seeds_dir()
    if not folder.is_dir():
        return []
    return [line for path in sorted(folder.glob("*.txt")) for line in path.read_text().split("\n")]


FRAGMENTS = OWN_FRAGMENTS + _seed_lines()
mixed_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=60).map(
    "\n".join
)


def check_change_set(source: SourceText, changes: ChangeSet) -> None:
    """What any extraction must satisfy, whatever the input."""
    assert [m.ref for m in changes.modifications] == [r.canonical for r in unique_refs(source.text)]
    items: list[Any] = [
        *changes.documents,
        *changes.modifications,
        *changes.releases,
        *changes.milestones,
        *changes.decisions,
    ]
    for item in items:
        assert 1 <= item.source.page <= len(source.pages)
        assert item.source.line >= 1
    data = changes.to_json()
    assert ChangeSet.from_json(data).to_json() == data


@FUZZ
@given(st.text())
def test_arbitrary_text_through_extract(text: str) -> None:
    source = SourceText(path=Path("fuzz.txt"), kind="text", pages=(text,))
    check_change_set(source, extract(source))


@FUZZ
@given(mixed_text)
def test_seed_fragments_mixed_with_noise(text: str) -> None:
    try:
        source = source_from_text(text)
    except UnreadableDocument:
        return
    check_change_set(source, extract(source))


@FUZZ
@given(st.lists(mixed_text, min_size=1, max_size=4))
def test_many_pages(pages: list[str]) -> None:
    source = SourceText(path=Path("fuzz.txt"), kind="text", pages=tuple(pages))
    check_change_set(source, extract(source))


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([".txt", ".pdf", ".docx", ".html", ""]),
    st.one_of(
        st.binary(max_size=600),
        st.binary(max_size=300).map(lambda b: b"%PDF-1.4\n" + b),
        st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
        mixed_text.map(lambda t: t.encode("utf-8")),
    ),
)
def test_arbitrary_files_raise_only_unreadable(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            source = read_document(path)
        except UnreadableDocument as error:
            assert str(error)
            return
        check_change_set(source, extract(source))
