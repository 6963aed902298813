"""SEC version news pages: which version of the SEC took effect, when, and which modifications it
implemented ("SEC version 5.5 … came into effect on 4 November 2021 … implements MP104 and
MP121"), as a change set with one SEC version. A news page that names no version and no date of
effect changes nothing."""

from __future__ import annotations

import re
from datetime import datetime

from sec.references import unique_refs
from storage.ingest import changeset as cs
from storage.ingest.pages.dates import find_day
from storage.ingest.pages.reading import PageReading, document_for

VERSION = re.compile(r"\b(?:SEC\s+)?(?:version|v)\s*(?P<number>\d{1,2}(?:\.\d{1,3}){1,2})\b", re.I)
EFFECT = re.compile(
    r"\b(?:came into effect|comes? into effect|took effect|takes? effect|effective(?: from)?|"
    r"in (?:force|effect) from|went live|goes live)\b",
    re.I,
)
TEXT_BOUND = 2000


def read_news(
    lines: tuple[str, ...], heading: str, *, url: str, fetched_at: datetime
) -> PageReading:
    """The SEC version a news page announces, its day of effect and what it implemented."""
    text = " ".join([heading, *lines])
    version = VERSION.search(heading) or VERSION.search(text)
    if version is None:
        return PageReading("news", None, (), "")
    effective, line_no = None, 1
    for number, line in enumerate(lines, start=1):
        match = EFFECT.search(line)
        effective = find_day(line[match.start() :]) if match else None
        if effective is not None:
            line_no = number
            break
    if effective is None:
        return PageReading("news", None, ("no date of effect",), "")
    implements = tuple(ref.canonical for ref in unique_refs(text))
    item = cs.SecVersion(
        number=version.group("number"),
        effective=effective,
        implements=implements,
        text=" ".join(text.split())[:TEXT_BOUND],
        source=cs.SourcePos(1, line_no),
    )
    title = " ".join(heading.split())[:300] or url
    changes = cs.ChangeSet(documents=[document_for(url, title, fetched_at)], sec_versions=[item])
    summary = f"SEC version {item.number} in effect from {effective:%A %-d %B %Y}"
    return PageReading("news", changes, (), summary)
