"""Apply a paper's change set to the store: one transaction, provenance kept, newer facts win.

The same code computes the dry-run diff and the real change: a dry run applies inside a savepoint
and rolls it back, so what `secbot ingest` shows is exactly what `--apply` writes.

Rules: a document (by checksum) is applied once; a fact from an older document never replaces one
from a newer document (it may still join the history); two documents of the same date that
disagree are reported as a conflict and the stored fact is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sec.lifecycle import ScopeState, Stage
from sec.references import parse_ref
from sec.releases import release_title
from sec.timefmt import now
from sec.vague_dates import Precision, VagueDate
from storage import queries
from storage.ingest import changeset as cs
from storage.models import (
    AuditEntry,
    Decision,
    Document,
    Milestone,
    Modification,
    Release,
    ScopeEntry,
    StatusEntry,
)

ADD, UPDATE, CONFLICT, KEEP = "+", "~", "!", "="

# The kinds of applied change that become change events (issue 13): a stage moved, the status
# (latest update) changed, the implementation date or target release changed, added to or removed
# from a release's scope, a release's go-live moved, a new modification raised, a decision
# recorded (Change Board vote, Authority decision, withdrawal), a title changed.
EVENT_KINDS = (
    "stage",
    "status",
    "implementation",
    "target_release",
    "scope_added",
    "scope_removed",
    "go_live",
    "raised",
    "decision",
    "title",
)


@dataclass(frozen=True)
class Change:
    """One line of the diff: what changes, about what, and where the paper says so."""

    action: str  # + add, ~ update, ! conflict (not applied), = kept (older document)
    subject: str
    what: str
    source: str
    # What people care about, for change notifications (None: bookkeeping nobody is told of).
    # One of EVENT_KINDS; ref/release say what it is about; before/after are short display text.
    event: str | None = None
    ref: str | None = None
    release: str | None = None
    before: str | None = None
    after: str | None = None

    def line(self) -> str:
        return f"{self.action} {self.subject}: {self.what}  [{self.source}]"


@dataclass
class ChangeReport:
    path: str
    document_date: date | None
    already_applied: bool = False
    changes: list[Change] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def lines(self) -> list[str]:
        when = self.document_date.isoformat() if self.document_date else "undated"
        head = f"{self.path} ({when})"
        if self.already_applied:
            return [f"{head}: already ingested; nothing changes."]
        summary = (
            f"{self.count(ADD)} additions, {self.count(UPDATE)} updates, "
            f"{self.count(CONFLICT)} conflicts, {self.count(KEEP)} kept as newer"
        )
        return [f"{head}: {summary}", *(c.line() for c in self.changes)]


def apply_changeset(
    session: Session,
    changes: cs.ChangeSet,
    *,
    checksum: str,
    path: str,
    actor: str = "secbot ingest",
    dry_run: bool = False,
) -> ChangeReport:
    """Apply one document's change set (or only report it, with dry_run)."""
    document = changes.documents[0] if changes.documents else None
    doc_date = document.date if document else None
    report = ChangeReport(path=path, document_date=doc_date)
    if session.scalar(select(Document).where(Document.checksum == checksum)) is not None:
        report.already_applied = True
        return report
    savepoint = session.begin_nested()
    applier = _Applier(session, report, path=path, as_of=doc_date or now().date())
    applier.document = Document(
        name=(document.title if document and document.title else Path(path).name)[:300],
        doc_date=doc_date,
        kind="paper",
        checksum=checksum,
        path=path[:500],
        recorded_at=now(),
    )
    session.add(applier.document)
    applier.apply(changes)
    session.add(
        AuditEntry(
            at=now(),
            actor=actor,
            action="ingest",
            detail={"path": path, "additions": report.count(ADD), "updates": report.count(UPDATE)},
        )
    )
    session.flush()
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return report


def slugify(title: str) -> str:
    """The website's slug for a title: lower case, runs of other characters become hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class _Applier:
    def __init__(self, session: Session, report: ChangeReport, *, path: str, as_of: date) -> None:
        self.session = session
        self.report = report
        self.path = Path(path).name
        self.as_of = as_of
        self.document: Document | None = None
        self.mods: dict[str, Modification] = {}

    def note(self, action: str, subject: str, what: str, source: cs.SourcePos) -> None:
        where = f"{self.path} p{source.page} l{source.line}"
        self.report.changes.append(Change(action, subject, what, where))

    def apply(self, changes: cs.ChangeSet) -> None:
        for item in changes.modifications:
            self.modification(item)
        for release in changes.releases:
            self.release(release)
        for milestone in changes.milestones:
            self.milestone(milestone)
        for decision in changes.decisions:
            self.decision(decision)

    def find(self, ref_text: str) -> Modification | None:
        ref = parse_ref(ref_text)
        if ref is None:
            return None
        if ref.canonical not in self.mods:
            found = queries.get_modification(self.session, ref=ref)
            if found is None:
                return None
            self.mods[ref.canonical] = found
        return self.mods[ref.canonical]

    # -- modifications -----------------------------------------------------------------------

    def modification(self, item: cs.Modification) -> None:
        mod = self.find(item.ref)
        if mod is None:
            mod = self.create(item)
            if mod is None:
                return
        elif item.title and " ".join(item.title.split()) != mod.title:
            self.retitle(mod, item)
        if item.stage or item.status:
            self.status(mod, item)

    def create(self, item: cs.Modification) -> Modification | None:
        ref = parse_ref(item.ref)
        if ref is None or not item.title:
            self.note(CONFLICT, item.ref, "mentioned without a title; not added", item.source)
            return None
        mod = Modification(
            ref=ref.canonical,
            number=ref.number,
            letter=ref.letter,
            title=item.title,
            title_key=item.title.lower(),
            slug=slugify(item.title),
            stage=(item.stage or Stage.SUBMITTED).value,
        )
        self.session.add(mod)
        self.mods[mod.ref] = mod
        self.note(ADD, mod.ref, f"new modification ‘{item.title}’", item.source)
        return mod

    def retitle(self, mod: Modification, item: cs.Modification) -> None:
        if mod.status_as_of is not None and mod.status_as_of > self.as_of:
            self.note(
                KEEP, mod.ref, f"title ‘{mod.title}’ kept (newer than this paper)", item.source
            )
            return
        self.note(UPDATE, mod.ref, f"title ‘{mod.title}’ → ‘{item.title}’", item.source)
        if mod.slug == slugify(mod.title):  # a slug we derived follows the title; a real one stays
            mod.slug = slugify(item.title)
        mod.title, mod.title_key = item.title, item.title.lower()

    def status(self, mod: Modification, item: cs.Modification) -> None:
        stage = (item.stage or Stage(mod.stage)).value
        text = item.status or Stage(stage).label
        same_day = [e for e in mod.history if e.as_of == self.as_of]
        if any(e.status == text and e.stage == stage for e in same_day):
            return
        if same_day:
            self.note(
                CONFLICT,
                mod.ref,
                f"another paper of {self.as_of:%d %B %Y} says ‘{same_day[0].status}’; kept",
                item.source,
            )
            return
        mod.history.append(
            StatusEntry(
                as_of=self.as_of,
                stage=stage,
                status=text,
                document=self.document,
                recorded_by="ingest",
            )
        )
        if mod.status_as_of is not None and mod.status_as_of > self.as_of:
            self.note(
                KEEP, mod.ref, "older status added to history; current status kept", item.source
            )
            return
        if mod.stage != stage:
            self.note(UPDATE, mod.ref, f"stage {mod.stage} → {stage}", item.source)
        self.note(UPDATE if mod.status else ADD, mod.ref, f"status: {text}", item.source)
        mod.stage, mod.status, mod.status_as_of = stage, text, self.as_of

    # -- releases ----------------------------------------------------------------------------

    def release(self, item: cs.Release) -> None:
        name = re.sub(r"\s*SEC Release\s*$", "", item.name, flags=re.IGNORECASE).strip()
        release = queries.get_release_by_name(self.session, name=name)
        if release is None:
            release = Release(name=name, go_live=item.date, as_of=self.as_of, ad_hoc=False)
            self.session.add(release)
            when = f", going live {item.date:%d %B %Y}" if item.date else ""
            self.note(ADD, release_title(name), f"new release{when}", item.source)
        elif item.date and release.go_live != item.date:
            self.move_release(release, item)
        if item.baselining:
            release.baselining = "; ".join(note.text for note in item.baselining)[:2000]
        partial = {p.ref: p.note for p in item.partial}
        for ref in item.in_scope:
            state = ScopeState.PARTIAL if ref in partial else ScopeState.IN_SCOPE
            self.scope(release, ref, state, partial.get(ref), ref in item.added, item.source)
        for ref in item.candidates:
            self.scope(release, ref, ScopeState.IN_SCOPE, "candidate", False, item.source)
        for ref in item.removed:
            self.scope(release, ref, ScopeState.REMOVED, None, False, item.source)

    def move_release(self, release: Release, item: cs.Release) -> None:
        title = release_title(release.name)
        if release.go_live is None or (release.as_of or date.min) <= self.as_of:
            self.note(
                UPDATE, title, f"go-live {_day(release.go_live)} → {_day(item.date)}", item.source
            )
            release.go_live, release.as_of = item.date, self.as_of
        else:
            self.note(KEEP, title, f"go-live {_day(release.go_live)} kept (newer)", item.source)

    def scope(
        self,
        release: Release,
        ref: str,
        state: ScopeState,
        note: str | None,
        added: bool,
        source: cs.SourcePos,
    ) -> None:
        mod = self.find(ref)
        if mod is None:
            self.note(CONFLICT, ref, f"in {release.name} scope but unknown; skipped", source)
            return
        entry = next((e for e in release.scope if e.modification is mod), None)
        title = release_title(release.name)
        if entry is None:
            release.scope.append(
                ScopeEntry(
                    modification=mod,
                    state=state.value,
                    added=added,
                    note=note,
                    as_of=self.as_of,
                    document=self.document,
                )
            )
            self.note(ADD, mod.ref, f"{_scope_words(state, added)} {title}", source)
        elif (entry.as_of or date.min) > self.as_of:
            return
        elif (entry.state, entry.note, entry.added) != (state.value, note, added):
            self.note(UPDATE, mod.ref, f"now {_scope_words(state, added)} {title}", source)
            entry.state, entry.note, entry.added = state.value, note, added
            entry.as_of, entry.document = self.as_of, self.document
        self.target(mod, release, state)

    def target(self, mod: Modification, release: Release, state: ScopeState) -> None:
        """A modification targets the latest release it is (partly) in."""
        if state == ScopeState.REMOVED:
            if mod.target_release is release:
                mod.target_release = None
            return
        current = mod.target_release
        if current is None or (release.go_live or date.min) >= (current.go_live or date.min):
            mod.target_release = release

    # -- milestones and decisions ------------------------------------------------------------

    def milestone(self, item: cs.Milestone) -> None:
        mod = self.find(item.ref)
        if mod is None:
            return
        start, precision = item.date.start, item.date.precision.value
        same_kind = [m for m in mod.milestones if m.kind == item.kind.value and not m.superseded]
        if any(m.start == start and m.precision == precision for m in same_kind):
            return
        planned = [
            m for m in same_kind if m.document is not self.document and _window_end(m) >= self.as_of
        ]
        if any((m.as_of or date.min) > self.as_of for m in planned):
            self.note(
                KEEP,
                mod.ref,
                f"{item.kind.label} {item.date.describe()} is older than the stored date; kept",
                item.source,
            )
            return
        for old in planned:
            old.superseded = True
            self.note(
                UPDATE,
                mod.ref,
                f"{item.kind.label} moved from {_when(old)} to {item.date.describe()}",
                item.source,
            )
        if not planned:
            self.note(ADD, mod.ref, f"{item.kind.label} {item.date.describe()}", item.source)
        mod.milestones.append(
            Milestone(
                kind=item.kind.value,
                start=start,
                precision=precision,
                text=item.text[:500],
                as_of=self.as_of,
                document=self.document,
            )
        )

    def decision(self, item: cs.Decision) -> None:
        mod = self.find(item.ref)
        if mod is None:
            return
        open_ones = [d for d in mod.decisions if d.resolved_on is None and d.owner == item.owner]
        if any(_norm(d.what) == _norm(item.text) for d in open_ones):
            return
        mod.decisions.append(
            Decision(
                owner=item.owner.value, what=item.text, since=self.as_of, document=self.document
            )
        )
        self.note(
            ADD, mod.ref, f"decision waiting on the {item.owner.value}: {item.text}", item.source
        )


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _day(value: date | None) -> str:
    return f"{value:%d %B %Y}" if value else "unknown"


def _scope_words(state: ScopeState, added: bool) -> str:
    words = {
        ScopeState.IN_SCOPE: "in scope of",
        ScopeState.PARTIAL: "partly in scope of",
        ScopeState.REMOVED: "removed from",
    }[state]
    return f"added, {words}" if added else words


def _vague(milestone: Milestone) -> VagueDate:
    return VagueDate(milestone.start, Precision(milestone.precision))


def _window_end(milestone: Milestone) -> date:
    return _vague(milestone).end


def _when(milestone: Milestone) -> str:
    return _vague(milestone).describe()
