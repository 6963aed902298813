"""Load the bundled sample data (facts from the three seed papers) into an empty store.

The YAML is read through its typed schema (``storage.sample_schema``) and turned into one change
set per source document, with that document's date and provenance; each is applied with
``apply_changeset``, oldest first, so the sample data is written exactly as papers and pages are.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.calendar_store import load_sample_meetings
from storage.changes import CONFLICT, apply_changeset
from storage.ingest import changeset as cs
from storage.models import Modification, Release
from storage.sample_schema import SampleData, SampleDocument, SampleModification, SampleRelease

SAMPLE_FILE = Path(__file__).parent / "sample_data" / "sample.yaml"
SITE = "https://smartenergycodecompany.co.uk"
AT = cs.SourcePos(page=1, line=1)  # the sample data has no pages; its facts cite the document


@dataclass(frozen=True)
class LoadResult:
    loaded: bool
    modifications: int = 0
    releases: int = 0

    def describe(self) -> str:
        if not self.loaded:
            return "Sample data already present; nothing loaded."
        return f"Loaded {self.modifications} modifications and {self.releases} SEC Releases."


def read_sample(path: Path = SAMPLE_FILE) -> SampleData:
    """The sample file, validated; ValueError says what is wrong with it."""
    try:
        return SampleData.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as error:
        raise ValueError(f"sample data {path.name}: {error}") from error


def load_sample(session: Session, path: Path = SAMPLE_FILE) -> LoadResult:
    """Load the sample file into an empty store; a store that has modifications is left alone."""
    if session.scalar(select(func.count()).select_from(Modification)):
        return LoadResult(loaded=False)
    data = read_sample(path)
    for document, changes in sample_changesets(data):
        report = apply_changeset(
            session,
            changes,
            checksum=sample_checksum(path, document),
            path=document.seed,
            actor="secbot sample data",
            audit=False,
        )
        conflicts = [c.line() for c in report.changes if c.action == CONFLICT]
        if conflicts:  # the sample contradicts itself: refuse it whole (the caller rolls back)
            raise ValueError(f"sample data {document.key}: " + "; ".join(conflicts[:5]))
    load_sample_meetings(session)
    session.flush()
    releases = session.scalar(select(func.count()).select_from(Release)) or 0
    return LoadResult(loaded=True, modifications=len(data.modifications), releases=releases)


def sample_checksum(path: Path, document: SampleDocument) -> str:
    """A stable stand-in for a checksum, so loading twice never applies a document twice."""
    return hashlib.sha256(f"sample:{path.name}:{document.key}".encode()).hexdigest()


def sample_changesets(data: SampleData) -> list[tuple[SampleDocument, cs.ChangeSet]]:
    """One change set per source document of the sample, oldest first."""
    ordered = sorted(data.documents, key=lambda doc: doc.date)
    return [(doc, _changeset(data, doc)) for doc in ordered]


def _changeset(data: SampleData, doc: SampleDocument) -> cs.ChangeSet:
    key = doc.key
    changes = cs.ChangeSet(
        documents=[
            cs.Document(
                path=doc.seed,
                date=doc.date,
                title=doc.name,
                source=AT,
                kind="sample",
                reference=doc.reference,
            )
        ]
    )
    mentioned = _mentioned(data, key)
    for mod in data.modifications:
        if mod.ref in mentioned:
            changes.modifications.append(_modification(mod, doc, data))
        _plans(changes, mod, key)
    changes.releases.extend(_release(r) for r in data.releases if r.doc == key)
    changes.sec_versions.extend(
        cs.SecVersion(v.number, v.effective, v.implements, v.text, AT)
        for v in data.sec_versions
        if v.doc == key
    )
    changes.consultations.extend(
        cs.Consultation(c.title, c.closes, AT, c.ref, c.opens, c.respond_to, c.how)
        for c in data.consultations
        if c.doc == key
    )
    return changes


def _mentioned(data: SampleData, key: str) -> set[str]:
    """Every modification the document says anything about (each is created before use)."""
    refs = {m.ref for m in data.modifications if key in m.docs() or _details_doc(m, data) == key}
    for release in data.releases:
        if release.doc == key:
            refs |= {s.ref for s in release.scope} | {c.ref for c in release.candidates}
    refs |= {ref for v in data.sec_versions if v.doc == key for ref in v.implements}
    refs |= {c.ref for c in data.consultations if c.doc == key and c.ref}
    return refs


def _details_doc(mod: SampleModification, data: SampleData) -> str:
    """The document a modification's fields come from: as given, else the latest to mention it."""
    if mod.details_doc:
        return mod.details_doc
    dates = {doc.key: doc.date for doc in data.documents}
    return max(mod.docs(), key=lambda key: dates[key])


def _modification(
    mod: SampleModification, doc: SampleDocument, data: SampleData
) -> cs.Modification:
    entry = next((h for h in mod.history if h.doc == doc.key), None)
    details = _details_doc(mod, data) == doc.key
    return cs.Modification(
        ref=mod.ref,
        title=mod.title,
        stage=entry.stage if entry else None,
        status=entry.status if entry else None,
        as_of=doc.date,
        source=AT,
        proposer=mod.proposer if details else None,
        dcc_impact=mod.dcc_impact if details else None,
        release=mod.target_release if details else None,
        path=mod.path.value if details and mod.path else None,
        url=None if mod.slug_derived else f"{SITE}/modifications/{mod.slug}/",
    )


def _plans(changes: cs.ChangeSet, mod: SampleModification, key: str) -> None:
    changes.milestones.extend(
        cs.Milestone(mod.ref, m.kind, m.when(), m.text, AT) for m in mod.milestones if m.doc == key
    )
    changes.decisions.extend(
        cs.Decision(
            mod.ref,
            d.owner,
            d.what,
            AT,
            kind=d.kind,
            due=d.due_date(),
            resolved_on=d.resolved_on,
            resolution=d.resolution,
        )
        for d in mod.decisions
        if d.doc == key
    )
    changes.outcomes.extend(
        cs.Outcome(mod.ref, o.body, o.result, o.date, o.text, AT)
        for o in mod.outcomes
        if o.doc == key
    )


def _release(release: SampleRelease) -> cs.Release:
    scope = [s for s in release.scope if s.state != "removed"]
    return cs.Release(
        name=release.name,
        date=release.go_live,
        source=AT,
        in_scope=tuple(s.ref for s in scope),
        removed=tuple(s.ref for s in release.scope if s.state == "removed"),
        added=tuple(s.ref for s in release.scope if s.added),
        partial=tuple(cs.PartialScope(s.ref, s.note or "") for s in scope if s.state == "partial"),
        baselining=(cs.ReleaseNote(None, release.baselining),) if release.baselining else (),
        candidates=tuple(c.ref for c in release.candidates),
        notes=(
            *(
                cs.PartialScope(s.ref, s.note)
                for s in release.scope
                if s.note and s.state != "partial"
            ),
            *(cs.PartialScope(c.ref, c.note) for c in release.candidates if c.note),
        ),
    )
