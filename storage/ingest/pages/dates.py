"""Dates as the SECAS website writes them, and the Implementation date field in its forms.

"12/12/2019" (day first), "3 November 2022", "03 Mar 2021", "Thursday 3 November 2022";
implementation: "3 November 2022", "29/11/2020 (Nov 20 SEC Release)", "Targeted for Jun 21
SEC Release", "Unknown", "N/A".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sec.releases import parse_release_month

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WORDS = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"\.?,?\s+(?P<year>\d{4})\b", re.I
)
_NUMERIC = re.compile(r"\b(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4}|\d{2})\b")
LEADING_DATE = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+"
    + _MONTH
    + r"\.?,?\s+(?P<year>\d{4})\b[\s:–—-]*(?P<rest>.*)$",
    re.I,
)
_EMPTY = re.compile(r"^(unknown|n/?a|tbc|tbd|to be confirmed|none|-+|—)\.?$", re.I)


def _make(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from(match: re.Match[str]) -> date | None:
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower()[:3]]
    if not month_text.isdigit() and month_text.lower().startswith("sept"):
        month = 9
    return _make(int(match.group("year")), month, int(match.group("day")))


def find_day(text: str) -> date | None:
    """The first real day written in text, in either form, or None."""
    found = [m for m in (_WORDS.search(text), _NUMERIC.search(text)) if m]
    for match in sorted(found, key=lambda m: m.start()):
        day = _from(match)
        if day is not None:
            return day
    return None


def parse_day(text: str) -> date | None:
    """A field that is one day ("12/12/2019", "3 November 2022"); None when it is not."""
    text = text.strip()
    match = _NUMERIC.fullmatch(text) or _WORDS.fullmatch(text)
    if match is None:
        match = _WORDS.search(text) if len(text) < 40 else None
    return _from(match) if match else None


@dataclass(frozen=True)
class Implementation:
    """The Implementation date field: as shown, its day and its release when it names them."""

    text: str
    day: date | None
    release: str | None  # "November 2020"


def parse_implementation(text: str) -> Implementation:
    """Read "29/11/2020 (Nov 20 SEC Release)", "Targeted for Jun 21 SEC Release", "Unknown"."""
    shown = " ".join(text.split())[:300]
    if not shown or _EMPTY.match(shown):
        return Implementation(shown, None, None)
    day = find_day(shown)
    release = None
    named = re.search(r"([A-Za-z]{3,9}\.?\s*'?\d{2,4})\s+SEC\s+Release", shown, re.I)
    if named:
        month = parse_release_month(named.group(1))
        release = month.name if month else None
    elif day is not None and re.search(r"\brelease\b", shown, re.I):
        month = parse_release_month(f"{day:%B %Y}")
        release = month.name if month else None
    return Implementation(shown, day, release)
