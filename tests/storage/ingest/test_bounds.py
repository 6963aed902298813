"""The readers refuse, quickly and with a clear reason, files far bigger than any SEC paper: a
Word file that unpacks to megabytes of XML, thousands of PDF pages, megabytes of text; and a
paper read in a child process stops at its deadline and its memory ceiling."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfWriter

from bot.slack.ingest_process import read_bounded
from storage.ingest import UnreadableDocument, read_document
from storage.ingest.bounds import MAX_PAGES, MAX_TEXT_CHARS

SEC_WORDS = "SECMP0007 was raised under the Smart Energy Code; the Change Board voted. "


def _bomb_docx(unpacked: int) -> bytes:
    """A .docx whose document.xml unpacks to ``unpacked`` bytes from a few kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:p>" + "a" * unpacked + "</w:p>")
    return out.getvalue()


def test_a_docx_that_unpacks_to_twenty_megabytes_is_refused_before_unpacking(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(_bomb_docx(20_000_000))
    assert path.stat().st_size < 100_000
    started = time.monotonic()
    with pytest.raises(UnreadableDocument, match="unpacks to 20.0 MB"):
        read_document(path)
    assert time.monotonic() - started < 2


def test_a_pdf_of_two_thousand_pages_is_refused_by_its_page_count(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(2000):
        writer.add_blank_page(200, 200)
    path = tmp_path / "long.pdf"
    with path.open("wb") as out:
        writer.write(out)
    started = time.monotonic()
    with pytest.raises(UnreadableDocument, match=f"2,000 pages; I read papers up to {MAX_PAGES}"):
        read_document(path)
    assert time.monotonic() - started < 5


def test_a_megabyte_of_text_is_refused_by_its_length(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text(SEC_WORDS * (1_000_000 // len(SEC_WORDS)))
    started = time.monotonic()
    with pytest.raises(UnreadableDocument, match=f"up to {MAX_TEXT_CHARS:,}"):
        read_document(path)
    assert time.monotonic() - started < 2


def test_a_paper_within_the_bounds_is_read(tmp_path: Path) -> None:
    path = tmp_path / "paper.txt"
    path.write_text(SEC_WORDS * 100)
    assert "SECMP0007" in read_document(path).text


def test_reading_in_a_child_stops_at_the_deadline() -> None:
    started = time.monotonic()
    with pytest.raises(UnreadableDocument, match="took more than 0 seconds"):
        read_bounded(SEC_WORDS.encode(), file_name="p.txt", today=date(2026, 12, 1), deadline=0.001)
    assert time.monotonic() - started < 10


def test_reading_in_a_child_stops_at_the_memory_ceiling() -> None:
    with pytest.raises(UnreadableDocument, match="more than 0.0 GB of memory"):
        read_bounded(
            (SEC_WORDS * 2000).encode(), file_name="p.txt", today=date(2026, 12, 1), memory=10_000
        )


def test_reading_in_a_child_gives_the_change_set() -> None:
    changes = read_bounded(
        (SEC_WORDS * 3).encode(), file_name="p.txt", today=date(2026, 12, 1), deadline=60
    )
    assert [m.ref for m in changes.modifications] == ["SECMP0007"]
