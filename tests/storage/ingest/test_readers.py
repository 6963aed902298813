"""Readers: text, PDF, Word and HTML into a SourceText; every bad file is UnreadableDocument."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from fpdf import FPDF

from storage.ingest import SourceText, UnreadableDocument, extract, read_document
from storage.ingest.readers import split_text_pages
from tests.storage.ingest.conftest import FIXTURES

SEC_LINES = [
    "SEC Modification Update",
    "This note tells the SEC Panel where open Modification Proposals stand.",
    "MP159 'Credit Cover Review' is in the Refinement Process.",
]
SLUG = "https://smartenergycodecompany.co.uk/modifications/credit-cover-review/"


def make_pdf(lines_per_page: list[list[str]], *, password: str | None = None) -> bytes:
    pdf = FPDF()
    for lines in lines_per_page:
        pdf.add_page()
        pdf.set_font("helvetica", size=11)
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT", link=SLUG if "MP" in line else "")
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    return bytes(pdf.output())


def make_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Modification update"
    document.add_heading(SEC_LINES[0], 0)
    document.add_paragraph(SEC_LINES[1])
    table = document.add_table(rows=3, cols=3)
    rows = [
        ("Reference", "Title", "Status"),
        ("MP159", "Credit Cover Review", "Refinement"),
        ("MP167", "Review of SEC documents", "Report Phase"),
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("That is all for now.").add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("SECAS Team")
    document.add_paragraph("3 May 2022")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --------------------------------------------------------------------------------------------
# Good files.


def test_plain_text_pages_and_positions(tmp_path: Path) -> None:
    text = "\n".join(SEC_LINES) + "\fSecond page\nMP167 'Review of SEC documents'\n"
    source = read_document(write(tmp_path, "paper.txt", text))
    assert source.kind == "text" and len(source.pages) == 2
    offset = source.text.index("MP167")
    assert source.position(offset) == (2, 2)
    assert source.position(0) == (1, 1)
    assert source.position(len(source.text) + 50) == (2, 3)  # clamped to the end


def test_ocr_page_marks_and_link_only_pages() -> None:
    body = "\n".join(f"line {i} of the page" for i in range(8))
    link = "https://smartenergycodecompany.co.uk/modifications/credit-cover-review/"
    text = f" MP159 first page\n{body}\n {link}\n{link}\n Second page\n{body}\n"
    pages = split_text_pages(text)
    # the marks' spaces are dropped; a page of nothing but links joins the page before it
    assert pages == [f"MP159 first page\n{body}\n{link}\n{link}", f"Second page\n{body}\n"]


def test_indented_text_is_not_split_into_pages() -> None:
    text = "\n".join(f" line {i} of an indented note" for i in range(10))
    assert split_text_pages(text) == [text]


def test_pdf_pages_text_and_links(tmp_path: Path) -> None:
    path = write(tmp_path, "update.pdf", make_pdf([SEC_LINES, ["SECAS Team", "3 May 2022"]]))
    source = read_document(path)
    assert source.kind == "pdf" and len(source.pages) == 2
    assert "MP159" in source.pages[0] and "3 May 2022" in source.pages[1]
    assert source.links == (SLUG,)
    result = extract(source)
    assert [m.ref for m in result.modifications] == ["MP159"]
    assert result.modifications[0].title == "Credit Cover Review"
    assert result.documents[0].date is not None


def test_docx_paragraphs_tables_and_page_breaks(tmp_path: Path) -> None:
    source = read_document(write(tmp_path, "update.docx", make_docx()))
    assert source.kind == "docx" and len(source.pages) == 2
    assert "MP159\tCredit Cover Review\tRefinement" in source.pages[0]
    assert source.title == "Modification update"
    mods = {m.ref: (m.title, m.status) for m in extract(source).modifications}
    assert mods == {
        "MP159": ("Credit Cover Review", "Refinement"),
        "MP167": ("Review of SEC documents", "Report Phase"),
    }


def test_saved_web_page(tmp_path: Path) -> None:
    source = read_document(FIXTURES / "release_page.html")
    assert source.kind == "html"
    assert source.title is not None and source.title.startswith("June 2022 SEC Release")
    assert "MP999" not in source.text and "MP998" not in source.text  # script and footer
    assert "MP080 'Managing DUIS uplifts'Implemented" in source.text
    assert any(link.endswith("/managing-duis-uplifts/") for link in source.links)


def test_html_without_the_suffix_is_sniffed(tmp_path: Path) -> None:
    html = (FIXTURES / "release_page.html").read_bytes()
    assert read_document(write(tmp_path, "page.download", html)).kind == "html"


# --------------------------------------------------------------------------------------------
# Bad files: one exception type, a message naming the file and what to do.


def truncated_docx() -> bytes:
    data = make_docx()
    return data[: len(data) // 3]


def zip_without_word_parts() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    return out.getvalue()


BAD_FILES = [
    ("empty.txt", b"", "is empty"),
    ("blank.txt", b"  \n\n\t ", "is empty"),
    ("scan.pdf", make_pdf([[]]), "no text layer"),
    ("locked.pdf", make_pdf([SEC_LINES], password="secret"), "password-protected"),
    ("cut.pdf", make_pdf([SEC_LINES])[:400], "damaged or truncated"),
    ("fake.pdf", b"this is plain text pretending to be a PDF", "not a PDF"),
    ("cut.docx", truncated_docx(), "damaged or truncated"),
    ("other.docx", zip_without_word_parts(), "damaged or truncated"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
    ("noise.txt", bytes(range(256)) * 4, "not a text document"),
    (
        "recipe.txt",
        b"Whisk two eggs with sugar, fold in flour and bake for 20 minutes.",
        "does not look like a SEC paper",
    ),
    (
        "recipe.html",
        b"<html><body><h1>Cakes</h1><p>Bake at 180C.</p></body></html>",
        "does not look like a SEC paper",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES)
def test_bad_files_are_unreadable_with_a_clear_message(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        read_document(write(tmp_path, name, data))
    assert message in str(caught.value)
    assert str(caught.value).startswith(name)


def test_scan_message_says_to_ocr(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument, match="OCR it first"):
        read_document(write(tmp_path, "scan.pdf", make_pdf([[]])))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument, match="no such file"):
        read_document(tmp_path / "gone.pdf")


def test_source_text_is_immutable_and_keeps_offsets() -> None:
    source = SourceText(path=Path("x.txt"), kind="text", pages=("ab\ncd", "ef"))
    assert source.text == "ab\ncd\nef"
    assert [source.position(i) for i in (0, 3, 4, 6, 7)] == [(1, 1), (1, 2), (1, 2), (2, 1), (2, 1)]
