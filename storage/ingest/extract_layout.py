"""The shape of a document's text: lines, page noise, headings, links, tokens that keep offsets.

Extractors never rewrite the source text; they read spans of it. ``CleanText`` is a cleaned view
(noise lines and OCR junk dropped, words joined by single spaces) that still maps every character
back to its offset in the source, so every fact keeps its page and line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from sec.references import FoundRef, find_refs
from storage.ingest.changeset import SourcePos
from storage.ingest.readers import SourceText

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_NOISE_LINE = re.compile(
    r"^\s*(?:https?://\S+|.*\bPage \d+ of \d+\b.*|Administered by|Gemserv\b.{0,4}"
    r"|Smart(?: Energy)? Code|This document (?:has a|is) classifi.*|Classification:.*)\s*$",
    re.IGNORECASE,
)
# "1 please see ..." and "2 SECMP0049 'Section D Review ...'" at the foot of a page.
_FOOTNOTE = re.compile(rf"^[1-9]\s+(?!(?:{_MONTHS})\b)[A-Za-z]")
_FOOTER = re.compile(r"\bPage \d+ of \d+\b", re.IGNORECASE)
_HEADING = re.compile(r"^\s*(?:#+\s*)?(?:\d+\.|\d+(?:\.\d+)+\.?)\s+[A-Z][^\n]{0,90}$")
_SLUG_URL = re.compile(r"https?://\S*?/modifications/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)/?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(‘'\"“])")
# OCR debris inside table rows: column rules, tick marks, stray dots and dashes.
_JUNK_TOKEN = re.compile(r"^(?:[|._,:;’'‘\"“”•·]+|[vVxX✓✔e]|[A-Za-z]?[—–-]{2,}|E—+)$")


T = TypeVar("T")


class Spans(Generic[T]):
    """Non-overlapping [start, end) spans, each with an item; which one holds an offset."""

    def __init__(self, spans: Iterable[tuple[int, int, T]]) -> None:
        self._spans = sorted(spans, key=lambda span: span[0])
        self._starts = [span[0] for span in self._spans]

    def find(self, offset: int) -> T | None:
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self._spans[i][1]:
            return self._spans[i][2]
        return None

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self._starts, offset) - 1
        return i >= 0 and offset < self._spans[i][1]


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # offset of the line's end (its newline, or the end of the text)
    text: str
    noise: bool


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


class CleanText:
    """Words joined by single spaces, each character mapped back to a source offset."""

    def __init__(self, tokens: Iterable[Token]) -> None:
        self.tokens = list(tokens)
        parts, starts, pos = [], [], 0
        for token in self.tokens:
            starts.append(pos)
            parts.append(token.text)
            pos += len(token.text) + 1
        self.text = " ".join(parts)
        self._starts = starts

    def offset(self, index: int) -> int:
        """The source offset of a character of ``text``."""
        if not self.tokens:
            return 0
        i = max(bisect_right(self._starts, index) - 1, 0)
        token = self.tokens[i]
        return min(token.start + max(index - self._starts[i], 0), token.end)

    def sentences(self) -> Iterator[tuple[int, int]]:
        """(start, end) spans of the sentences of ``text``."""
        start = 0
        for match in _SENTENCE_END.finditer(self.text):
            yield start, match.start()
            start = match.end()
        if start < len(self.text):
            yield start, len(self.text)


class Layout:
    """A SourceText with its lines classified and its references and slugs found once."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.text = source.text
        self.lines = _classify_lines(self.text)
        self._line_starts = [line.start for line in self.lines]
        self.refs: list[FoundRef] = list(find_refs(self.text))
        self._token_cache: dict[int, list[tuple[Token, bool]]] = {}

    def pos(self, offset: int) -> SourcePos:
        page, line = self.source.position(offset)
        return SourcePos(page=page, line=line)

    def line_index(self, offset: int) -> int:
        return max(bisect_right(self._line_starts, offset) - 1, 0)

    @cached_property
    def slugs(self) -> list[tuple[str, ...]]:
        """Distinct modification-page slugs, as word tuples, from the text and the file's links."""
        seen: dict[tuple[str, ...], None] = {}
        for where in (self.text, *self.source.links):
            for match in _SLUG_URL.finditer(where):
                seen.setdefault(tuple(match.group("slug").split("-")), None)
        return list(seen)

    @cached_property
    def slug_index(self) -> dict[str, list[tuple[str, ...]]]:
        """Slugs by their first word, to find the few that could match a title quickly."""
        index: dict[str, list[tuple[str, ...]]] = {}
        for slug in self.slugs:
            index.setdefault(slug[0], []).append(slug)
        return index

    @cached_property
    def headings(self) -> list[Line]:
        """Numbered headings ("3. February 2022 SEC Release", "2.1 SEC Version 5.5")."""
        return [line for line in self.lines if not line.noise and _HEADING.match(line.text)]

    @cached_property
    def heading_starts(self) -> list[int]:
        return [line.start for line in self.headings]

    def tokens(self, start: int, end: int, *, junk: bool = True) -> list[Token]:
        """The words of [start, end) on lines that are not page noise; optionally minus OCR junk."""
        found = []
        for index in range(self.line_index(start), len(self.lines)):
            line = self.lines[index]
            if line.start >= end:
                break
            if line.noise:
                continue
            for token, is_junk in self._line_tokens(index):
                if is_junk and not junk:
                    continue
                if start <= token.start and token.end <= end:
                    found.append(token)
                elif token.start < end and token.end > start:  # cut by the span's edge
                    a, b = max(token.start, start), min(token.end, end)
                    clipped = _tidy(Token(self.text[a:b], a, b))
                    if clipped.text and (junk or not _JUNK_TOKEN.match(clipped.text)):
                        found.append(clipped)
        return found

    def _line_tokens(self, index: int) -> list[tuple[Token, bool]]:
        """A line's words (tidied) with whether each is OCR junk, worked out once per line."""
        cached = self._token_cache.get(index)
        if cached is None:
            line = self.lines[index]
            cached = []
            for match in re.finditer(r"\S+", line.text):
                a, b = line.start + match.start(), line.start + match.end()
                token = _tidy(Token(match.group(0), a, b))
                if token.text:
                    cached.append((token, bool(_JUNK_TOKEN.match(token.text))))
            self._token_cache[index] = cached
        return cached

    def clean(self, start: int, end: int) -> CleanText:
        return CleanText(self.tokens(start, end, junk=False))

    @cached_property
    def whole(self) -> CleanText:
        """The whole document as clean text."""
        return self.clean(0, len(self.text))

    def blank_before(self, index: int) -> bool:
        return index > 0 and not self.lines[index - 1].text.strip()


def _tidy(token: Token) -> Token:
    """Underscores are OCR debris inside words ("Rel_ease._")."""
    if "_" not in token.text or re.search(r"[A-Za-z]_\d|\d_\d", token.text):
        return token  # "SECP_66_1503_12" is a paper number, not debris
    return Token(token.text.replace("_", ""), token.start, token.end)


def _classify_lines(text: str) -> list[Line]:
    lines, start = [], 0
    for raw in text.split("\n"):
        end = start + len(raw)
        noise = bool(_NOISE_LINE.match(raw) or _FOOTNOTE.match(raw))
        lines.append(Line(start=start, end=end, text=raw, noise=noise))
        start = end + 1
    return _mark_footer_neighbours(lines)


def _mark_footer_neighbours(lines: list[Line]) -> list[Line]:
    """Short lines right beside a 'Page n of m' footer are the footer's running title."""
    footer_rows = [i for i, line in enumerate(lines) if _FOOTER.search(line.text)]
    marked = list(lines)
    for row in footer_rows:
        for i in range(max(row - 2, 0), min(row + 3, len(lines))):
            line = lines[i]
            words = line.text.split()
            if 0 < len(words) <= 5 and not _HEADING.match(line.text) and not _has_ref(line.text):
                marked[i] = Line(line.start, line.end, line.text, True)
    return marked


def _has_ref(text: str) -> bool:
    return next(find_refs(text), None) is not None
