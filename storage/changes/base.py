"""The state one application of a change set shares: the session, the report, the document."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sec.references import parse_ref
from sec.timefmt import uk_short_date
from storage import queries
from storage.changes.report import Change, ChangeReport, Event
from storage.ingest import changeset as cs
from storage.models import Document, Milestone, Modification, StatusEntry


class Facts:
    """Applies one document's facts; the rule modules add their methods to this base."""

    def __init__(
        self,
        session: Session,
        report: ChangeReport,
        *,
        path: str,
        as_of: date,
        fetched_at: datetime | None = None,
    ) -> None:
        self.session = session
        self.report = report
        self.path = Path(path).name
        self.as_of = as_of
        self.fetched_at = fetched_at  # a web page's fetch time orders pages of the same day
        self.document: Document | None = None
        self.mods: dict[str, Modification] = {}
        self.created: set[str] = set()  # raised by this document: no events beyond "raised"
        self.missing: set[str] = set()  # looked for and not in the store (until created)

    @property
    def recorded_by(self) -> str:
        """Who wrote a status entry, by the kind of document it came from."""
        kind = self.document.kind if self.document else "paper"
        return _RECORDED_BY.get(kind, "ingest")

    def note(
        self,
        action: str,
        subject: str,
        what: str,
        source: cs.SourcePos,
        event: Event | None = None,
    ) -> None:
        where = f"{self.path} p{source.page} l{source.line}"
        if event is None or event.ref in self.created and event.kind != "raised":
            self.report.changes.append(Change(action, subject, what, where))
            return
        self.report.changes.append(
            Change(
                action,
                subject,
                what,
                where,
                event=event.kind,
                ref=event.ref,
                release=event.release,
                before=event.before,
                after=event.after,
            )
        )

    def preload(self, refs: Iterable[str]) -> None:
        """Read the modifications a change set names, and what the rules look at, in one go."""
        parsed = {ref.canonical: ref for ref in map(parse_ref, refs) if ref is not None}
        if not parsed:
            return
        numbers = {ref.number for ref in parsed.values()}
        stmt = (
            select(Modification)
            .where(Modification.number.in_(numbers))
            .options(
                selectinload(Modification.history).selectinload(StatusEntry.document),
                selectinload(Modification.milestones).selectinload(Milestone.document),
                selectinload(Modification.decisions),
                selectinload(Modification.target_release),
            )
        )
        found = {(mod.number, mod.letter): mod for mod in self.session.scalars(stmt)}
        for canonical, ref in parsed.items():
            mod = found.get((ref.number, ref.letter))
            if mod is None:
                self.missing.add(canonical)
            else:
                self.mods[canonical] = mod

    def find(self, ref_text: str) -> Modification | None:
        ref = parse_ref(ref_text)
        if ref is None:
            return None
        if ref.canonical in self.missing:
            return None
        if ref.canonical not in self.mods:
            found = queries.get_modification(self.session, ref=ref)
            if found is None:
                return None
            self.mods[ref.canonical] = found
        return self.mods[ref.canonical]

    def newer_than(self, stored_as_of: date | None, stored: Document | None = None) -> str:
        """ "newer", "same" or "older": this document against a stored fact's date.

        Two web pages of the same day are ordered by their fetch time: the later fetch is newer.
        """
        if stored_as_of is None or stored_as_of < self.as_of:
            return "newer"
        if stored_as_of > self.as_of:
            return "older"
        earlier = stored.fetched_at if stored is not None else None
        if self.fetched_at is not None and earlier is not None and earlier < self.fetched_at:
            return "newer"
        return "same"

    def entry_is_older(self, entry: StatusEntry) -> bool:
        return self.newer_than(entry.as_of, entry.document) == "newer"


_RECORDED_BY = {"sample": "sample data", "page": "sync", "admin": "administrator"}


def norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def day_text(value: date | None) -> str:
    return uk_short_date(value) if value else "unknown"
