"""Read a paper or page (plain text, PDF, Word .docx, saved HTML) into a ``SourceText``.

Every way a file can fail to be a readable SEC paper ends in one exception, ``UnreadableDocument``,
whose message tells the person what to do about it. The PDF, Word and HTML readers are imported
lazily so that a missing optional package only affects that one format.

Bounds (a SEC paper is tens of pages and tens of thousands of characters; the limits are many
times that): a Word file's zip is judged before anything is unpacked (members, sizes and
compression ratio, so a 92 KB file that unpacks to 20 MB of XML is refused at once); a PDF is
read to MAX_PAGES pages; the text of any document is refused beyond MAX_TEXT_CHARS. Time and
memory are bounded by whoever calls: chat ingestion reads in a child process with a deadline.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any

from sec.references import find_refs
from storage.ingest.bounds import UnreadableDocument, check_length, check_pages, check_zip

Kind = str  # "text" | "pdf" | "docx" | "html"

_PDF_MAGIC = b"%PDF"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .doc, and every password-protected Office file
_SUFFIX_KINDS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}

# Words only a SEC paper uses; two of them, or a reference and one of them, make a SEC document.
_SEC_TERMS = re.compile(
    r"Smart Energy Code|\bSECAS\b|\bSEC (?:Panel|Release|Modification|Section|Part(?:y|ies))\b"
    r"|Modification (?:Proposal|Report|Process|Register)|Change (?:Board|Sub-Committee)"
    r"|\bDCC\b|Data Communications Company|Working Group|smart met(?:er|ering)|\bTABASC\b"
    r"|\bthe (?:SEC )?Panel\b|\bProposer\b",
    re.IGNORECASE,
)
# OCR'd papers mark a new page with a line that starts with exactly one space.
_OCR_PAGE_MARK = re.compile(r"^ (?=\S|$)")
_URL_LINE = re.compile(r"^\s*https?://\S+\s*$")


@dataclass(frozen=True)
class SourceText:
    """The text of one document, page by page, and a way back from an offset to (page, line)."""

    path: Path
    kind: Kind
    pages: tuple[str, ...]
    title: str | None = None  # a title the format itself carries (HTML <title>, Word properties)
    links: tuple[str, ...] = ()  # link targets that are not part of the text (PDF/HTML/Word)
    text: str = field(init=False, repr=False, compare=False)
    _page_starts: list[int] = field(init=False, repr=False, compare=False)
    _line_starts: list[int] = field(init=False, repr=False, compare=False)
    _page_first_line: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pages = tuple(self.pages) or ("",)
        object.__setattr__(self, "pages", pages)
        text = "\n".join(pages)
        page_starts, offset = [], 0
        for page in pages:
            page_starts.append(offset)
            offset += len(page) + 1
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        first_lines = [bisect_right(line_starts, start) - 1 for start in page_starts]
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "_page_starts", page_starts)
        object.__setattr__(self, "_line_starts", line_starts)
        object.__setattr__(self, "_page_first_line", first_lines)

    @property
    def name(self) -> str:
        return self.path.name

    def position(self, offset: int) -> tuple[int, int]:
        """(page, line), both counted from 1, of a character offset into ``text``."""
        offset = min(max(offset, 0), len(self.text))
        page = bisect_right(self._page_starts, offset) - 1
        line = bisect_right(self._line_starts, offset) - 1
        return page + 1, line - self._page_first_line[page] + 1


# --------------------------------------------------------------------------------------------
# Public entry points.


def read_document(path: Path) -> SourceText:
    """Read any supported file; raise UnreadableDocument with a clear message otherwise."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument(f"{path.name}: no such file") from None
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise UnreadableDocument(f"{path.name} cannot be opened: {exc.strerror or exc}") from None
    if not data.strip():
        raise UnreadableDocument(f"{path.name} is empty")
    kind = _sniff_kind(path, data)
    reader = {"pdf": _read_pdf, "docx": _read_docx, "html": _read_html, "text": _read_text}[kind]
    pages, title, links = reader(path, data)
    return make_source(path, kind, pages, title=title, links=links)


def source_from_text(text: str, *, path: Path | None = None, kind: Kind = "text") -> SourceText:
    """A SourceText from text already in hand (tests, pasted text); checked like a file."""
    return make_source(path or Path("<text>"), kind, split_text_pages(text))


def make_source(
    path: Path,
    kind: Kind,
    pages: Sequence[str],
    *,
    title: str | None = None,
    links: Sequence[str] = (),
) -> SourceText:
    """Build the SourceText after checking that there is SEC text in it."""
    text = "\n".join(pages)
    if not text.strip():
        raise UnreadableDocument(f"{path.name} is empty: there is no text in it")
    check_length(path, len(text))
    _check_sec_content(text, path.name)
    return SourceText(path=path, kind=kind, pages=tuple(pages), title=title, links=tuple(links))


def split_text_pages(text: str) -> list[str]:
    """Pages of plain text: form feeds if present, else the OCR one-space page marks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:
        return text.split("\f")
    lines = text.split("\n")
    marks = [i for i, line in enumerate(lines) if _OCR_PAGE_MARK.match(line)]
    non_blank = sum(1 for line in lines if line.strip())
    if not marks or len(marks) * 6 > max(non_blank, 1):
        return [text]  # indented prose, not page marks
    pages: list[list[str]] = [[]]
    for i, line in enumerate(lines):
        if i in marks and (pages[-1] or i > 0):
            pages.append([])
        pages[-1].append(line[1:] if i in marks else line)
    joined = ["\n".join(page) for page in pages if page]
    return _merge_link_pages(joined)


def _merge_link_pages(pages: list[str]) -> list[str]:
    """A 'page' holding only the links of the page before belongs to that page."""
    merged: list[str] = []
    for page in pages:
        lines = [line for line in page.split("\n") if line.strip()]
        if merged and lines and all(_URL_LINE.match(line) for line in lines):
            merged[-1] = merged[-1] + "\n" + page
        else:
            merged.append(page)
    return merged


def _check_sec_content(text: str, name: str) -> None:
    terms = {m.group(0).casefold() for m in _SEC_TERMS.finditer(text)}
    refs = {found.ref.key for found in find_refs(text)}
    if (refs and terms) or len(terms) >= 2 or len(refs) >= 2:
        return
    what = (
        "it uses none of the Smart Energy Code's terms"
        if refs
        else "it names no modification (such as MP159 or SECMP0007) and hardly any SEC terms"
    )
    raise UnreadableDocument(
        f"{name} does not look like a SEC paper: {what}; check that this is the right file"
    )


def _sniff_kind(path: Path, data: bytes) -> Kind:
    head = data[:1024].lstrip()
    if head.startswith(_PDF_MAGIC):
        return "pdf"
    if head.startswith(_OLE_MAGIC):
        raise UnreadableDocument(
            f"{path.name} is password-protected or an old Word .doc file; "
            "save it as an unprotected .docx or PDF and try again"
        )
    suffix_kind = _SUFFIX_KINDS.get(path.suffix.lower())
    if head.startswith(_ZIP_MAGIC):
        if suffix_kind in (None, "docx"):
            return "docx"
        raise UnreadableDocument(f"{path.name} is a zip archive, not a {suffix_kind} file")
    if suffix_kind == "pdf":
        raise UnreadableDocument(f"{path.name} is not a PDF: it is damaged or mislabelled")
    if suffix_kind == "docx":
        raise UnreadableDocument(f"{path.name} is damaged or truncated: it is not a Word file")
    if suffix_kind == "html" or re.match(rb"(?i)\s*<(!doctype\s+html|html|head|body)", head):
        return "html"
    return "text"


# --------------------------------------------------------------------------------------------
# Formats.

_Raw = tuple[list[str], str | None, list[str]]  # pages, title, links


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(f"{path.name} is not a text document (it looks like binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_text(path: Path, data: bytes) -> _Raw:
    text = _decode(path, data)
    check_length(path, len(text))
    return split_text_pages(text), None, []


def _read_pdf(path: Path, data: bytes) -> _Raw:
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - depends on the environment
        raise UnreadableDocument("PDF support needs the 'pypdf' package installed") from None
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        _unlock(reader, path)
        check_pages(path, len(reader.pages))
        pages = [page.extract_text() or "" for page in reader.pages]
        check_length(path, sum(len(page) for page in pages))
        links = [uri for page in reader.pages for uri in _pdf_links(page)]
        title = reader.metadata.get("/Title") if reader.metadata else None
    except UnreadableDocument:
        raise
    except Exception as exc:  # pypdf raises many types on damaged input
        raise UnreadableDocument(
            f"{path.name} is damaged or truncated and cannot be read as a PDF "
            f"({type(exc).__name__}); get a fresh copy"
        ) from None
    if not any(page.strip() for page in pages):
        raise UnreadableDocument(
            f"{path.name} has no text layer — it looks like a scanned image; OCR it first"
        )
    return pages, str(title) if title else None, links


def _unlock(reader: Any, path: Path) -> None:
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except Exception:  # an unsupported cipher is as closed to us as a password
        opened = 0
    if not opened:
        raise UnreadableDocument(
            f"{path.name} is password-protected; save a copy without the password and try again"
        )


def _pdf_links(page: Any) -> list[str]:
    links = []
    for annot in page.get("/Annots") or []:
        action = annot.get_object().get("/A") or {}
        uri = action.get("/URI")
        if uri:
            links.append(str(uri))
    return links


def _read_docx(path: Path, data: bytes) -> _Raw:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - depends on the environment
        raise UnreadableDocument("Word support needs the 'python-docx' package installed") from None
    check_zip(path, data)
    try:
        document = docx.Document(BytesIO(data))
        pages: list[list[str]] = [[]]
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                pages[-1].append(Paragraph(child, document).text)
                if child.xpath('.//w:br[@w:type="page"]'):
                    pages.append([])
            elif tag == "tbl":
                pages[-1].extend(_docx_rows(Table(child, document)))
        links = [
            rel.target_ref for rel in document.part.rels.values() if "hyperlink" in rel.reltype
        ]
        title = document.core_properties.title or None
    except Exception as exc:  # zip, XML and package errors all mean a damaged file
        raise UnreadableDocument(
            f"{path.name} is damaged or truncated and cannot be read as a Word document "
            f"({type(exc).__name__}); get a fresh copy"
        ) from None
    return ["\n".join(lines) for lines in pages], title, links


def _docx_rows(table: Any) -> list[str]:
    return ["\t".join(cell.text.replace("\n", " ") for cell in row.cells) for row in table.rows]


def _read_html(path: Path, data: bytes) -> _Raw:
    parser = _HtmlText()
    page = _decode(path, data)
    check_length(path, len(page) // 4)  # markup is most of a page; its text a fraction
    try:
        parser.feed(page)
        parser.close()
    except Exception as exc:  # the stdlib parser is lenient; this is a last resort
        raise UnreadableDocument(f"{path.name} cannot be read as a web page ({exc})") from None
    return [parser.text()], parser.title, parser.links


class _HtmlText(HTMLParser):
    """Visible text of a saved page: blocks on their own lines, table cells split by tabs."""

    _SKIP = {"script", "style", "noscript", "svg", "template", "nav", "footer", "form", "head"}
    _BLOCK = {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "br",
        "table",
        "section",
        "article",
        "header",
        "main",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "hr",
        "title",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._skip_depth = 0
        self._in_title = False
        self.title: str | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag == "body":
            self._skip_depth = 0  # an unclosed <head> must not hide the page
        elif tag in self._SKIP:
            self._skip_depth += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if "/modifications/" in href:
                self.links.append(href)
        if tag in self._BLOCK:
            self._parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        if tag in ("td", "th"):
            self._parts.append("\t")
        elif tag in self._BLOCK:
            self._parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = ((self.title or "") + data).strip() or None
        elif not self._skip_depth:
            self._parts.append(data)

    def text(self) -> str:
        lines = []
        for raw in "".join(self._parts).split("\n"):
            cells = [re.sub(r"[ \u00a0]+", " ", cell).strip() for cell in raw.split("\t")]
            lines.append("\t".join(cells).strip("\t "))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
