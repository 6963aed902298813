"""Blocks headed by a modification: table rows and per-modification sections.

Three layouts, one result (a ``Block``: the reference, its title, and the text that belongs to it):

- column tables, cells split by tabs or runs of spaces, titles that wrap onto following lines
  ("SECMP0002<TAB>Add New Command ...<TAB>Refinement");
- quoted rows, where OCR has run the title and status columns together and may have lost the
  closing quote ("MPQ77 ‘DCC Service Approved for inclusion. v / Flagging’"), or a web page
  has run them together ("MP080 'Managing DUIS uplifts'Implemented");
- sections headed ``SECMPnnnn 'Title'`` followed by paragraphs of narrative.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from sec.references import FoundRef, find_refs
from storage.ingest.extract_layout import CleanText, Layout, Spans, Token
from storage.ingest.extract_narrative import canonical_refs, tidy
from storage.ingest.extract_titles import TitleMatch, at_line_start, quoted_span, read_title

_COLUMN_SPLIT = re.compile(r"\t| {2,}")
_PROSE_LINE = 75  # a line this long after a blank line is prose, not a table cell
_ONLY_NOTE = re.compile(r"\s*\(([^()]{3,120}?\bonly)\)")


@dataclass(frozen=True)
class Block:
    ref: FoundRef
    kind: str  # "column" | "row" | "section"
    start: int
    end: int
    title: TitleMatch | None
    body: CleanText  # the block's text without its reference and title
    status: str | None  # the status a table gives (None for narrative sections)


def find_blocks(layout: Layout, release_spans: Sequence[tuple[int, int]] = ()) -> list[Block]:
    """Every block in the document, in order."""
    heads = _column_heads(layout) + _quoted_heads(layout, release_spans)
    heads.sort(key=lambda head: head.found.start)
    blocks = []
    for i, head in enumerate(heads):
        limit = heads[i + 1].line_start if i + 1 < len(heads) else len(layout.text)
        limit = min(limit, _next_boundary(layout, head.found.start, release_spans))
        blocks.append(head.finish(layout, limit))
    return blocks


def _next_boundary(layout: Layout, offset: int, spans: Sequence[tuple[int, int]]) -> int:
    starts = layout.heading_starts
    i = bisect_right(starts, offset)
    ends = [starts[i]] if i < len(starts) else []
    ends += [end for start, end in spans if start <= offset < end]
    return min(ends, default=len(layout.text))


# --------------------------------------------------------------------------------------------
# Column tables.


@dataclass
class _ColumnHead:
    found: FoundRef
    line_start: int
    cells: list[tuple[int, int]]  # spans of the row's cells, ref cell first
    title_col: int
    status_col: int | None

    def finish(self, layout: Layout, limit: int) -> Block:
        title_spans, status_spans = self._spans(layout, limit)
        title_tokens = [t for a, b in title_spans for t in layout.tokens(a, b)]
        status_tokens = [t for a, b in status_spans for t in layout.tokens(a, b, junk=False)]
        body = CleanText(status_tokens)
        return Block(
            ref=self.found,
            kind="column",
            start=self.line_start,
            end=limit,
            title=read_title(layout, title_tokens),
            body=body,
            status=canonical_refs(tidy(body.text)) or None,
        )

    def _spans(self, layout: Layout, limit: int) -> tuple[list[tuple[int, int]], ...]:
        """Cell spans of the title and status columns, with continuation lines beneath."""
        title = [self.cells[self.title_col]]
        status = [self.cells[self.status_col]] if self.status_col is not None else []
        index = layout.line_index(self.line_start) + 1
        starts = [a - self.line_start for a, _ in self.cells]
        while index < len(layout.lines):
            line = layout.lines[index]
            if line.start >= limit or not line.text.strip() or line.noise:
                break
            for col, span in _continuation(line.start, line.text, starts):
                if col == self.title_col:
                    title.append(span)
                elif col == self.status_col:
                    status.append(span)
            index += 1
        return title, status


def _cells(start: int, text: str) -> list[tuple[int, int]]:
    cells, pos = [], 0
    for match in _COLUMN_SPLIT.finditer(text):
        cells.append((start + pos, start + match.start()))
        pos = match.end()
    cells.append((start + pos, start + len(text.rstrip())))
    return cells


def _continuation(start: int, text: str, starts: list[int]) -> list[tuple[int, tuple[int, int]]]:
    """Which column each piece of a wrapped line belongs to."""
    if "\t" in text:
        return [(col, span) for col, span in enumerate(_cells(start, text)) if span[0] < span[1]]
    pieces = []
    for a, b in _cells(start, text):
        if a < b:
            col = min(range(len(starts)), key=lambda c: abs(starts[c] - (a - start)))
            pieces.append((col, (a, b)))
    return pieces


def _column_heads(layout: Layout) -> list[_ColumnHead]:
    heads = []
    ref_by_line = {layout.line_index(f.start): f for f in reversed(layout.refs)}
    for index, found in sorted(ref_by_line.items()):
        line = layout.lines[index]
        cells = _cells(line.start, line.text)
        if len(cells) < 2 or layout.text[cells[0][0] : cells[0][1]].strip() != found.raw.strip():
            continue
        if cells[0][0] != found.start:
            continue
        title_col, status_col = _roles(layout, index, len(cells))
        heads.append(_ColumnHead(found, line.start, cells, title_col, status_col))
    return heads


def _roles(layout: Layout, index: int, width: int) -> tuple[int, int | None]:
    """Title and status columns, from a header row above when there is one."""
    for back in range(index - 1, max(index - 40, -1), -1):
        text = layout.lines[back].text
        names = [cell.strip().lower() for cell in _COLUMN_SPLIT.split(text)]
        if len(names) >= 2 and any("title" in n or "status" in n for n in names):
            title = next((i for i, n in enumerate(names) if "title" in n), 1)
            status = next((i for i, n in enumerate(names) if "status" in n), None)
            return min(title, width - 1), status if status is not None and status < width else None
    return 1, (width - 1 if width >= 3 else None)


# --------------------------------------------------------------------------------------------
# Quoted rows and sections.


@dataclass
class _QuotedHead:
    found: FoundRef
    line_start: int
    span: tuple[int, int, int]  # title start, title end, end past the closing quote
    in_release: bool

    def finish(self, layout: Layout, limit: int) -> Block:
        title_start, title_end, after = self.span
        inline = layout.text[after : layout.lines[layout.line_index(after)].end].strip()
        kind = "row" if self.in_release or inline else "section"
        end = _row_end(layout, self.found.start, limit) if kind == "row" else limit
        title_tokens = layout.tokens(title_start, min(title_end, end))
        title = read_title(layout, title_tokens, closed=title_end < after)
        used = title.used if title else frozenset()
        leftovers = [t for i, t in enumerate(title_tokens) if i not in used]
        body = CleanText(_drop_junk(leftovers) + layout.tokens(min(after, end), end, junk=False))
        status = None
        if kind == "row":
            status = canonical_refs(tidy(_ONLY_NOTE.sub("", body.text))) or None
        return Block(self.found, kind, self.line_start, end, title, body, status)


def _drop_junk(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if not re.fullmatch(r"[|.,:;’'‘\"“”vVxX]+|e", t.text)]


def _quoted_heads(layout: Layout, release_spans: Sequence[tuple[int, int]]) -> list[_QuotedHead]:
    text, heads = layout.text, []
    releases = Spans((a, b, None) for a, b in release_spans)
    line_refs = [f for f in layout.refs if at_line_start(layout, f.start)]
    for i, found in enumerate(line_refs):
        limit = line_refs[i + 1].start if i + 1 < len(line_refs) else len(text)
        after = found.end + (1 if text[found.end : found.end + 1] == " " else 0)
        span = quoted_span(text, after, limit)
        if span is None:
            continue
        line = layout.lines[layout.line_index(found.start)]
        # A title closed on its own line and followed by lowercase words is inside a sentence.
        if span[1] < span[2] <= line.end and _continues_sentence(text, span[2]):
            continue
        in_release = found.start in releases
        heads.append(_QuotedHead(found, line.start, span, in_release))
    return heads


def _continues_sentence(text: str, after: int) -> bool:
    """'MP154 ‘CH Returns SLA Amendment’ should be removed ...' is a sentence, not a heading."""
    rest = text[after : text.find("\n", after) if "\n" in text[after:] else len(text)]
    return bool(re.match(r"\s*[a-z]", rest))


def _row_end(layout: Layout, start: int, limit: int) -> int:
    """A row ends where a paragraph of prose begins after a blank line."""
    for index in range(layout.line_index(start) + 1, len(layout.lines)):
        line = layout.lines[index]
        if line.start >= limit:
            break
        if layout.blank_before(index) and _prose(line.text.strip()):
            return line.start
    return limit


def _prose(text: str) -> bool:
    """A paragraph line, not a table cell: long, or a whole sentence of its own."""
    if "|" in text or not text:
        return False
    if len(text) >= _PROSE_LINE:
        return True
    sentence = text[0].isupper() and text.endswith((".", "!", "?")) and len(text.split()) >= 5
    return sentence and next(find_refs(text), None) is None


def only_note(text: str) -> str | None:
    """The "(DUIS and MMC changes only)" note of a split row, cleaned of table debris."""
    match = _ONLY_NOTE.search(text)
    if match is None:
        return None
    words = [w for w in match.group(1).split() if not re.fullmatch(r"[|.,:;]+", w)]
    return " ".join(words)
