"""Consultation pages: what the consultation asks about, when it opens and closes, and where
and how to respond, as a change set with one consultation (applied like every other page)."""

from __future__ import annotations

import re
from datetime import date, datetime

from sec.references import unique_refs
from storage.ingest import changeset as cs
from storage.ingest.pages.dates import find_day
from storage.ingest.pages.reading import PageReading, document_for

CLOSES = re.compile(
    r"\b(?:clos(?:es|ed|ing date|ing)|deadline|responses? (?:are )?(?:due|by|requested by))\b", re.I
)
OPENS = re.compile(r"\b(?:opens|opened|issued|published)\b", re.I)
EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
RESPOND = re.compile(r"\b(?:respond|response|responses|reply|submit)\b", re.I)
LINE_BOUND = 300


def _day_after(pattern: re.Pattern[str], lines: tuple[str, ...]) -> tuple[date, int] | None:
    """The first day written after a phrase (closes …, opened …), and its line number."""
    for number, line in enumerate(lines, start=1):
        match = pattern.search(line)
        day = find_day(line[match.start() :]) if match else None
        if day is not None:
            return day, number
    return None


def _ref(heading: str, lines: tuple[str, ...]) -> str | None:
    """The modification consulted on: named in the heading, else the only one the page names."""
    in_heading = unique_refs(heading)
    if in_heading:
        return in_heading[0].canonical
    named = unique_refs(" ".join(lines))
    return named[0].canonical if len(named) == 1 else None


def _how(lines: tuple[str, ...], url: str) -> tuple[str, str | None]:
    """Where to respond (an address named on the page, else the page) and the line that says
    how, when there is one."""
    said = [line for line in lines if RESPOND.search(line)]
    with_address = [line for line in said if EMAIL.search(line)]
    if with_address:
        email = EMAIL.search(with_address[0])
        assert email is not None
        return email.group(0), with_address[0][:LINE_BOUND]
    return url, (said[0][:LINE_BOUND] if said else None)


def read_consultation(
    lines: tuple[str, ...], heading: str, *, url: str, fetched_at: datetime
) -> PageReading:
    """A consultation with its closing date; a page without one changes nothing."""
    closes = _day_after(CLOSES, lines)
    if closes is None:
        return PageReading("consultation", None, ("no closing date",), "")
    day, line = closes
    title = " ".join(heading.split())[:300] or url
    opens = _day_after(OPENS, lines)
    respond_to, how = _how(lines, url)
    consultation = cs.Consultation(
        title=title,
        closes=day,
        source=cs.SourcePos(1, line),
        ref=_ref(heading, lines),
        opens=opens[0] if opens and opens[0] <= day else None,
        respond_to=respond_to[:300],
        how=how,
    )
    changes = cs.ChangeSet(
        documents=[document_for(url, title, fetched_at)], consultations=[consultation]
    )
    summary = f"consultation ‘{title[:120]}’ closes {day:%A %-d %B %Y}"
    return PageReading("consultation", changes, (), summary)
