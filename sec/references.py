"""Modification references: one canonical form per modification, and a forgiving parser.

A modification is identified by its number and optional alternative letter (MP128B). The prefix a
person types (SECMP, MP, DP, or none) does not change which modification they mean: DP173 and
MP173 are the same one. The canonical spelling depends on the series:

- the early series, numbers below ``FIRST_MP_NUMBER``: ``SECMP`` and four digits (``SECMP0007``);
- later ones: ``MP`` and at least three digits (``MP077``), or ``DP`` while still a Draft Proposal.

Papers are OCR'd, so digits arrive as ``O``, ``Q`` or ``o`` (``SECMPO0007``, ``MPQ77``) and
footnote markers stick to the end (``SECMP00492`` is SECMP0049 with footnote 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Series = Literal["SECMP", "MP", "DP"]

# SECMP0067 is the last early-series number in the papers and MP071 the first of the new series
# ("SECMP 0071" in one paper). Below 70 we write SECMPnnnn.
FIRST_MP_NUMBER = 70
# Early-series numbers never reached three digits, so a longer run after SECMP is OCR noise.
_EARLY_SERIES_MAX = 99

_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "Q": "0", "q": "0"})

# A reference inside free text. The digit run may contain OCR letters (O, Q) but must hold at
# least one real digit, and it must not run on into a word (so "MPs" and "DPIA" are not refs).
_PREFIX = r"(?P<prefix>SEC\s?MP|MP|DP)"
_DIGITS = r"(?P<digits>[OQ]{0,3}[0-9][0-9OQ]{0,5})"
_LETTER = r"(?P<letter>[A-H])?"
_IN_TEXT = re.compile(
    rf"(?<![A-Za-z0-9]){_PREFIX}[\s\-_.:#]?{_DIGITS}{_LETTER}(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# A whole query: a prefix is optional ("159", "mp 159", "SECMP7").
_WHOLE = re.compile(
    r"^\s*[\"'‘’“”(\[]*"
    r"(?:(?P<prefix>SEC\s?MP|MP|DP)[\s\-_.:#]*)?"
    r"(?P<digits>[OQ]{0,3}[0-9][0-9OQ]{0,5})(?P<letter>[A-H])?"
    r"[\"'‘’“”)\].,;:!?]*\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, order=True)
class Ref:
    """A modification reference: number, alternative letter, and the series it was written in."""

    number: int
    letter: str = ""
    series: Series = "MP"

    @property
    def key(self) -> tuple[int, str]:
        """What identifies the modification, whatever the prefix."""
        return (self.number, self.letter)

    @property
    def canonical(self) -> str:
        """The canonical spelling, e.g. SECMP0007, MP077, MP128B, DP173."""
        if self.number < FIRST_MP_NUMBER:
            return f"SECMP{self.number:04d}{self.letter}"
        prefix = "DP" if self.series == "DP" else "MP"
        return f"{prefix}{self.number:03d}{self.letter}"

    def __str__(self) -> str:
        return self.canonical


def _series_for(prefix: str | None, number: int) -> Series:
    if prefix and prefix.upper() == "DP" and number >= FIRST_MP_NUMBER:
        return "DP"
    return "SECMP" if number < FIRST_MP_NUMBER else "MP"


def _number_from(digits: str, prefix: str | None) -> int | None:
    cleaned = digits.translate(_OCR_DIGITS)
    if not cleaned.isdigit():
        return None
    number = int(cleaned)
    is_secmp = prefix is not None and prefix.upper().replace(" ", "").startswith("SECMP")
    if is_secmp and len(cleaned) > 4 and number > _EARLY_SERIES_MAX:
        # "SECMP00492": four digits of reference, then a footnote marker.
        number = int(cleaned[:4])
    if number == 0 or number > 9999:
        return None
    return number


def _make(prefix: str | None, digits: str, letter: str | None) -> Ref | None:
    number = _number_from(digits, prefix)
    if number is None:
        return None
    return Ref(number=number, letter=(letter or "").upper(), series=_series_for(prefix, number))


def parse_ref(text: str) -> Ref | None:
    """Parse a whole string as one reference ("MP159", "mp 159", "159", "SECMPO0007"), else None."""
    match = _WHOLE.match(text)
    if match is None:
        return None
    prefix = match.group("prefix")
    digits = match.group("digits")
    if prefix is None and not (digits.isdigit() and len(digits) <= 3):
        # A bare number must be a plain number of at most three digits: "O7" is not a
        # reference, and "2019" is a year.
        return None
    return _make(prefix, digits, match.group("letter"))


def canonical(text: str) -> str | None:
    """The canonical spelling of a reference written any way, or None if it is not one."""
    ref = parse_ref(text)
    return ref.canonical if ref else None


@dataclass(frozen=True)
class FoundRef:
    """A reference found in running text, with where it stood."""

    ref: Ref
    start: int
    end: int
    raw: str


def find_refs(text: str) -> Iterator[FoundRef]:
    """Every prefixed reference in running text, in order (bare numbers are not references here)."""
    for match in _IN_TEXT.finditer(text):
        ref = _make(match.group("prefix"), match.group("digits"), match.group("letter"))
        if ref is not None:
            yield FoundRef(ref=ref, start=match.start(), end=match.end(), raw=match.group(0))


def unique_refs(text: str) -> list[Ref]:
    """The distinct modifications mentioned in text, first mention first, merged by key."""
    seen: dict[tuple[int, str], Ref] = {}
    for found in find_refs(text):
        seen.setdefault(found.ref.key, found.ref)
    return list(seen.values())
