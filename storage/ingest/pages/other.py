"""Pages read for information only: consultations (their closing date)."""

from __future__ import annotations

import re

from storage.ingest.pages.dates import find_day
from storage.ingest.pages.reading import PageReading

CLOSES = re.compile(
    r"\b(?:clos(?:es|ing date|ing)|deadline|responses? (?:are )?(?:due|by|requested by))\b", re.I
)


def read_consultation(lines: tuple[str, ...], heading: str, *, url: str) -> PageReading:
    """A consultation's title and closing date; no change set (the store has no such fact yet)."""
    for line in lines:
        match = CLOSES.search(line)
        day = find_day(line[match.start() :]) if match else None
        if day is not None:
            summary = f"consultation ‘{heading[:120]}’ closes {day:%A %-d %B %Y}"
            return PageReading("consultation", None, (), summary)
    return PageReading("consultation", None, ("no closing date",), "")
