"""Load the bundled sample data (facts from the three seed papers) into an empty store."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sec.references import parse_ref
from sec.timefmt import now
from storage.calendar_store import load_sample_meetings
from storage.models import (
    Decision,
    Document,
    Milestone,
    Modification,
    Release,
    ScopeEntry,
    StatusEntry,
)

SAMPLE_FILE = Path(__file__).parent / "sample_data" / "sample.yaml"


@dataclass(frozen=True)
class LoadResult:
    loaded: bool
    modifications: int = 0
    releases: int = 0

    def describe(self) -> str:
        if not self.loaded:
            return "Sample data already present; nothing loaded."
        return f"Loaded {self.modifications} modifications and {self.releases} SEC Releases."


def parse_date(value: Any) -> date | None:
    """YAML gives dates as date objects; accept ISO strings too."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def parse_dated(value: Any, precision: str | None) -> tuple[date, str]:
    """A milestone date written "2019-04-03" (day) or "2019-04" (month-level) with its precision."""
    if isinstance(value, date):
        return value, precision or "day"
    text = str(value)
    if len(text) == 7:
        year, month = (int(part) for part in text.split("-"))
        precision = precision or "month"
        first_day = {"early": 1, "mid": 11, "late": 21}.get(precision, 1)
        return date(year, month, first_day), precision
    return date.fromisoformat(text), precision or "day"


def load_sample(session: Session, path: Path = SAMPLE_FILE) -> LoadResult:
    """Load the sample file into an empty store; a store that has modifications is left alone."""
    if session.scalar(select(func.count()).select_from(Modification)):
        return LoadResult(loaded=False)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    documents = _load_documents(session, data.get("documents", []), path)
    releases = _load_releases(session, data.get("releases", []))
    mods = _load_modifications(session, data.get("modifications", []), documents, releases)
    _load_scopes(session, data.get("releases", []), releases, mods, documents)
    load_sample_meetings(session)
    session.flush()
    return LoadResult(loaded=True, modifications=len(mods), releases=len(releases))


def _load_documents(
    session: Session, items: list[dict[str, Any]], path: Path
) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    stamp = now()
    for item in items:
        checksum = hashlib.sha256(f"sample:{path.name}:{item['key']}".encode()).hexdigest()
        document = Document(
            name=item["name"],
            doc_date=parse_date(item.get("date")),
            kind=item.get("kind", "paper"),
            checksum=checksum,
            reference=item.get("reference"),
            path=item.get("seed"),
            recorded_at=stamp,
        )
        session.add(document)
        documents[item["key"]] = document
    return documents


def _load_releases(session: Session, items: list[dict[str, Any]]) -> dict[str, Release]:
    releases: dict[str, Release] = {}
    for item in items:
        release = Release(
            name=str(item["name"]),
            go_live=parse_date(item.get("go_live")),
            baselining=item.get("baselining"),
            ad_hoc=bool(item.get("ad_hoc", False)),
            as_of=parse_date(item.get("as_of")),
        )
        session.add(release)
        releases[release.name] = release
    return releases


def _load_modifications(
    session: Session,
    items: list[dict[str, Any]],
    documents: Mapping[str, Document],
    releases: Mapping[str, Release],
) -> dict[str, Modification]:
    mods: dict[str, Modification] = {}
    for item in items:
        ref = parse_ref(str(item["ref"]))
        if ref is None:
            raise ValueError(f"sample data: {item['ref']!r} is not a modification reference")
        mod = Modification(
            ref=ref.canonical,
            number=ref.number,
            letter=ref.letter,
            title=item["title"],
            title_key=item["title"].lower(),
            slug=item.get("slug"),
            proposer=item.get("proposer"),
            path=item.get("path"),
            dcc_impact=item.get("dcc_impact"),
            target_release=releases.get(str(item["target_release"]))
            if item.get("target_release")
            else None,
            stage="submitted",
        )
        _attach_history(mod, item.get("history", []), documents)
        _attach_milestones(mod, item.get("milestones", []), documents)
        _attach_decisions(mod, item.get("decisions", []), documents)
        session.add(mod)
        mods[mod.ref] = mod
    return mods


def _attach_history(
    mod: Modification, items: list[dict[str, Any]], documents: Mapping[str, Document]
) -> None:
    for item in sorted(items, key=lambda entry: parse_date(entry["as_of"]) or date.min):
        entry = StatusEntry(
            as_of=parse_date(item["as_of"]),
            stage=item["stage"],
            status=item["status"],
            document=documents.get(item.get("doc", "")),
            recorded_by="sample data",
        )
        mod.history.append(entry)
        mod.stage, mod.status, mod.status_as_of = entry.stage, entry.status, entry.as_of


def _attach_milestones(
    mod: Modification, items: list[dict[str, Any]], documents: Mapping[str, Document]
) -> None:
    for item in items:
        start, precision = parse_dated(item["date"], item.get("precision"))
        document = documents.get(item.get("doc", ""))
        mod.milestones.append(
            Milestone(
                kind=item["kind"],
                start=start,
                precision=precision,
                text=item.get("text", ""),
                as_of=document.doc_date if document else None,
                document=document,
            )
        )


def _attach_decisions(
    mod: Modification, items: list[dict[str, Any]], documents: Mapping[str, Document]
) -> None:
    for item in items:
        if item.get("resolved") and not item.get("resolved_on"):
            raise ValueError(f"sample data: a resolved decision on {mod.ref} needs resolved_on")
        due_start, due_precision = (
            parse_dated(item["due"], item.get("due_precision")) if item.get("due") else (None, None)
        )
        mod.decisions.append(
            Decision(
                owner=item.get("owner", "Proposer"),
                what=item["what"],
                since=parse_date(item["since"]),
                due_start=due_start,
                due_precision=due_precision,
                document=documents.get(item.get("doc", "")),
                resolved_on=parse_date(item.get("resolved_on")),
                resolution=item.get("resolution"),
            )
        )


def _load_scopes(
    session: Session,
    items: list[dict[str, Any]],
    releases: Mapping[str, Release],
    mods: Mapping[str, Modification],
    documents: Mapping[str, Document],
) -> None:
    for item in items:
        release = releases[str(item["name"])]
        document = documents.get(item.get("doc", ""))
        for scope in item.get("scope", []):
            ref = parse_ref(str(scope["ref"]))
            mod = mods.get(ref.canonical) if ref else None
            if mod is None:
                raise ValueError(
                    f"sample data: release {release.name} names unknown {scope['ref']}"
                )
            release.scope.append(
                ScopeEntry(
                    modification=mod,
                    state=scope.get("state", "in_scope"),
                    added=bool(scope.get("added", False)),
                    note=scope.get("note"),
                    as_of=document.doc_date if document else release.as_of,
                    document=document,
                )
            )
        if release.as_of is None and document is not None:
            release.as_of = document.doc_date
