"""Modification titles: find them after a reference, repair OCR damage, confirm them by slug.

A paper's link list (``.../modifications/<slug>/``) spells each title's words correctly, so
when the words of a title line up with a slug we keep the words that line up (dropping table
text the OCR interleaved into the title) and take the slug's spelling for near misses
("GPE" -> "GPF", "fumestamp" -> "timestamp").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from storage.ingest.extract_layout import Layout, Token

OPEN_QUOTES = "‘'“\"`"
# A closing quote is not followed by a lowercase letter ("Proposer’s" holds an apostrophe).
_CLOSE = re.compile(r"[’'”\"‘`](?![a-z])")
_POSSESSIVE = re.compile(r"['’`]s\b")
_MAX_TITLE = 260
_SUBWORD = re.compile(r"[A-Za-z0-9]+")
_CONNECTORS = {"&", "/", "-", "–", "—", ":", "+"}
_MIN_SLUG_SCORE = 0.75
# Link-style and bullet-style titles: "[SECMP0026 – Changes to ...](#)", "- SECMP0031: Adding ..."
_LINK_TITLE = re.compile(r"[ \t]*[–—:-][ \t]*(?P<title>[^\]\n]{3,200}?)\s*\]\(")
_BULLET_TITLE = re.compile(r"[ \t]*[:–—-][ \t]+(?P<title>[^\n]{3,160}?)[ \t]*$")
# A link's text in running prose once the link is gone: "of SECMP0026 – Changes to ..., as ...".
_DASH_TITLE = re.compile(
    r"[ \t]+[–—][ \t]+(?P<title>(?:[^,.;:()\n]|\n(?!\s*\n)){3,160}?)"
    r"(?=\s+(?:was|is|has|were|will|are|as)\b|[,.;:()]|\n\s*\n|$)"
)


@dataclass(frozen=True)
class TitleMatch:
    """A title read from some tokens: its text, which tokens it used, and whether a slug agreed."""

    text: str
    used: frozenset[int]
    slugged: bool


def quoted_span(text: str, start: int, limit: int) -> tuple[int, int, int] | None:
    """(title start, title end, end past the closing quote) for a quote opening at ``start``.

    The closing quote may be missing (an OCR'd table can lose it); then the span runs to limit.
    """
    if start >= len(text) or text[start] not in OPEN_QUOTES:
        return None
    if _POSSESSIVE.match(text, start):
        return None  # "MP123's impact" is not a title
    stop = min(limit, start + 1 + _MAX_TITLE)
    close = _CLOSE.search(text, start + 1, stop)
    if close is None:
        return start + 1, stop, stop
    return start + 1, close.start(), close.end()


def read_title(
    layout: Layout, tokens: Sequence[Token], *, closed: bool = True
) -> TitleMatch | None:
    """The title in these tokens: slug-aligned when a slug fits, else the tokens cleaned up.

    ``closed``: the tokens end where the title ends (a closing quote, a table cell), so a slug
    must reach the last word too; an unclosed OCR title runs on into other text.
    """
    if not tokens:
        return None
    aligned = _align_best(layout, tokens, closed)
    if aligned is not None:
        return aligned
    kept = _plain_title_tokens(layout, tokens)
    text = clean_title(" ".join(tokens[i].text for i in kept))
    return TitleMatch(text, frozenset(kept), False) if text else None


def title_mentions(layout: Layout) -> Iterator[tuple[int, TitleMatch, int]]:
    """(ref index, title, priority) for titles written right after a reference in running text.

    Priority: 3 quoted, 4 link-style "[REF – title](...)", 5 a bullet "REF: title" line,
    6 a dash in prose ("REF – Title, as ...").
    """
    text = layout.text
    for index, found in enumerate(layout.refs):
        after = found.end + (1 if text[found.end : found.end + 1] in (" ", "\u00a0") else 0)
        span = quoted_span(text, after, _paragraph_end(text, after))
        if span is not None:
            if span[1] < span[2]:  # a closing quote: a plain mention
                title = read_title(layout, layout.tokens(span[0], span[1]))
                if title is not None:
                    yield index, title, 3
            continue
        match, priority = _unquoted_title(layout, found.start, found.end)
        if match is not None:
            title = read_title(layout, layout.tokens(match.start("title"), match.end("title")))
            if title is not None:
                yield index, title, priority


def _unquoted_title(layout: Layout, start: int, end: int) -> tuple[re.Match[str] | None, int]:
    text = layout.text
    match = _LINK_TITLE.match(text, end, end + 220)
    if match is not None:
        return match, 4
    if at_line_start(layout, start):
        line_end = layout.lines[layout.line_index(start)].end
        match = _BULLET_TITLE.match(text, end, line_end)
        if match is not None:
            return match, 5
    return _DASH_TITLE.match(text, end, end + 400), 6


def at_line_start(layout: Layout, offset: int) -> bool:
    """Only whitespace or a bullet stands before offset on its line."""
    line = layout.lines[layout.line_index(offset)]
    return re.fullmatch(r"\s*(?:[-*•]\s*)?", layout.text[line.start : offset]) is not None


def _paragraph_end(text: str, start: int) -> int:
    blank = text.find("\n\n", start)
    return len(text) if blank < 0 else blank


def clean_title(raw: str) -> str:
    """Repair what OCR and layout do to a title: line breaks, pipes, quotes, 'lHD' for 'IHD'."""
    text = re.sub(r"(\w)-\s+(?=\w)", r"\1-", raw)  # "Non-\nMandated" is "Non-Mandated"
    text = text.replace("|", " ").replace("_", "")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\bl(?=[A-Z]{2,}\b)", "I", text)
    text = text.strip(" ‘’'“”\"`,;.")
    text = re.sub(r"\s*[-–—:&/]$", "", text).strip()
    return text


def normalise_title(title: str) -> str:
    """A comparison key: case, quotes, dashes and spacing do not matter."""
    text = title.casefold().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[–—]", "-", text)
    text = re.sub(r"\s*([-/&:])\s*", r"\1", text)
    return re.sub(r"\s+", " ", text).strip(" .'\"")


# --------------------------------------------------------------------------------------------
# Titles without a slug.


def _plain_title_tokens(layout: Layout, tokens: Sequence[Token]) -> list[int]:
    """Tokens of a title, minus a table's other columns ("... | Approved for inclusion. v")."""
    kept, cut_line = [], -1
    for i, token in enumerate(tokens):
        line = layout.line_index(token.start)
        if token.text.startswith("|"):
            cut_line = line
        if line == cut_line or token.text in ("v", "V", "X"):
            continue
        kept.append(i)
    return kept


# --------------------------------------------------------------------------------------------
# Slug alignment.


def _subwords(tokens: Sequence[Token]) -> list[tuple[int, re.Match[str]]]:
    return [(i, m) for i, token in enumerate(tokens) for m in _SUBWORD.finditer(token.text)]


def _align_best(layout: Layout, tokens: Sequence[Token], closed: bool) -> TitleMatch | None:
    words = _subwords(tokens)
    if not words or not layout.slugs:
        return None
    lowered = [m.group(0).lower() for _, m in words]
    best: tuple[float, int, list[tuple[int, int, bool]], tuple[str, ...]] | None = None
    for slug in _candidate_slugs(layout, lowered[:3]):
        pairs = _lcs(lowered, slug)
        score = len(pairs) / len(slug)
        if score < _MIN_SLUG_SCORE or (best is not None and (score, len(pairs)) <= best[:2]):
            continue
        used = {words[w][0] for w, _, _ in pairs}
        if _covers_ends(tokens, used, closed) and _gaps_are_columns(layout, tokens, used):
            best = (score, len(pairs), pairs, slug)
    if best is None:
        return None
    return _build(tokens, words, best[2], best[3])


def _covers_ends(tokens: Sequence[Token], used: set[int], closed: bool) -> bool:
    """A slug of this title matches its first word, and its last one when the title is closed."""
    words = [i for i, token in enumerate(tokens) if _SUBWORD.search(token.text)]
    if not words or words[0] not in used:
        return False
    return not closed or words[-1] in used


def _gaps_are_columns(layout: Layout, tokens: Sequence[Token], used: set[int]) -> bool:
    """Words a slug leaves out must be another column's text, not part of this title.

    OCR puts a table's status column after the title's words on each line, so a left-out word
    is never followed on its own line by a title word ("Firmware Approved for inclusion. v" /
    "update to IHDs"), while "Schedule Pairing Message Export" against the slug
    "schedule-message-export" leaves "Pairing" out mid-line: another modification's slug.
    """
    ordered = sorted(used)
    for left, right in zip(ordered, ordered[1:], strict=False):
        right_line = layout.line_index(tokens[right].start)
        for i in range(left + 1, right):
            if tokens[i].text in _CONNECTORS:
                continue
            if layout.line_index(tokens[i].start) == right_line:
                return False
    return True


def _candidate_slugs(layout: Layout, head: list[str]) -> list[tuple[str, ...]]:
    """Slugs whose first word is (nearly) one of the title's first words."""
    index = layout.slug_index
    firsts = [key for key in index if any(_similar(word, key) for word in head)]
    return [slug for key in firsts for slug in index[key]]


def _build(
    tokens: Sequence[Token],
    words: list[tuple[int, re.Match[str]]],
    pairs: list[tuple[int, int, bool]],
    slug: tuple[str, ...],
) -> TitleMatch:
    fixes: dict[int, list[tuple[re.Match[str], str]]] = {}
    used: set[int] = set()
    for word_index, slug_index, exact in pairs:
        token_index, match = words[word_index]
        used.add(token_index)
        if not exact:
            fixes.setdefault(token_index, []).append((match, slug[slug_index]))
    first, last = min(used), max(used)
    for i in range(first, last):
        if i not in used and tokens[i].text in _CONNECTORS and i - 1 in used:
            used.add(i)
    parts = [_respell(tokens[i].text, fixes.get(i, [])) for i in sorted(used)]
    return TitleMatch(clean_title(" ".join(parts)), frozenset(used), True)


def _respell(text: str, fixes: list[tuple[re.Match[str], str]]) -> str:
    """Put the slug's spelling in place of near misses, in the case the paper used."""
    for match, word in sorted(fixes, key=lambda fix: -fix[0].start()):
        old = match.group(0)
        if old.isupper() and len(old) > 1:
            new = word.upper()
        elif old[:1].isupper():
            new = word.capitalize()
        else:
            new = word
        text = text[: match.start()] + new + text[match.end() :]
    return text


def _lcs(words: list[str], slug: tuple[str, ...]) -> list[tuple[int, int, bool]]:
    """Weighted longest common subsequence (exact 2, near miss 1); earliest words preferred."""
    n, m = len(words), len(slug)
    score = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, prev = score[i], score[i - 1]
        for j in range(1, m + 1):
            gain = _weight(words[i - 1], slug[j - 1])
            best = max(prev[j], row[j - 1])
            if gain and prev[j - 1] + gain > best:
                best = prev[j - 1] + gain
            row[j] = best
    pairs, i, j = [], n, m
    while i and j:
        if score[i][j] == score[i - 1][j]:
            i -= 1
        elif score[i][j] == score[i][j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1, words[i - 1] == slug[j - 1]))
            i, j = i - 1, j - 1
    return pairs[::-1]


def _weight(word: str, slug_word: str) -> int:
    if word == slug_word:
        return 2
    return 1 if _similar(word, slug_word) else 0


@lru_cache(maxsize=65536)
def _similar(a: str, b: str) -> bool:
    """Equal, or an OCR near miss of a word of three letters or more."""
    if a == b:
        return True
    if len(a) < 3 or len(b) < 3 or abs(len(a) - len(b)) > 2 or a.isdigit() or b.isdigit():
        return False
    allowed = 1 if max(len(a), len(b)) <= 6 else 2
    return _distance(a, b, allowed) <= allowed


def _distance(a: str, b: str, cap: int) -> int:
    """Edit distance counting a swap of neighbours as one edit ("Lables"/"labels")."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            best = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, rows[-2][j - 2] + 1)
            row.append(best)
        if min(row) > cap:
            return cap + 1
        rows.append(row)
    return rows[-1][-1]
