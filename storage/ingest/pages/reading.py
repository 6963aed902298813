"""What reading one page gives: its kind, its change set (None: nothing of its kind found)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sec.timefmt import LONDON
from storage.ingest import changeset as cs


@dataclass(frozen=True)
class PageReading:
    """kind: modification | release | consultation | other. changes None = drift or not read."""

    kind: str
    changes: cs.ChangeSet | None
    problems: tuple[str, ...] = ()
    summary: str = ""  # one line about what was read, for the sync's output


def document_for(url: str, title: str, fetched_at: datetime) -> cs.Document:
    """A page as a source document: true on the (London) day it was fetched."""
    return cs.Document(
        path=url,
        date=fetched_at.astimezone(LONDON).date(),
        title=" ".join(title.split())[:300],
        source=cs.SourcePos(1, 1),
        kind="page",
        url=url,
        fetched_at=fetched_at,
    )


def slug_of(url: str) -> str | None:
    """The last path segment: /modifications/<slug>/ -> slug."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return parts[-1].lower() if parts else None


def title_key(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().lower()
