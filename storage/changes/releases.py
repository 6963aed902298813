"""Release facts: go-live dates, scope, and the release a modification targets."""

from __future__ import annotations

import re
from datetime import date

from sec.lifecycle import ScopeState
from sec.releases import parse_release_month, release_title
from storage import queries
from storage.changes.base import day_text
from storage.changes.records import RecordRules
from storage.changes.report import ADD, CONFLICT, KEEP, UPDATE, Event
from storage.ingest import changeset as cs
from storage.models import Modification, Release, ScopeEntry


def release_name(text: str) -> str:
    """The stored name of a release: "Nov 20 SEC Release" -> "November 2020"."""
    month = parse_release_month(text)
    if month is not None:
        return month.name
    return re.sub(r"\s*SEC Release\s*$", "", text, flags=re.IGNORECASE).strip()


class ReleaseRules(RecordRules):
    def release(self, item: cs.Release) -> None:
        release = self.get_release(item.name, go_live=item.date, source=item.source)
        if item.date and release.go_live is None:
            release.go_live, release.as_of = item.date, self.as_of
            self.note(
                ADD, release_title(release.name), f"going live {item.date:%d %B %Y}", item.source
            )
        elif item.date and release.go_live != item.date:
            self.move_release(release, item)
        if item.baselining:
            release.baselining = "; ".join(note.text for note in item.baselining)[:2000]
        partial = {p.ref: p.note for p in item.partial}
        notes = {n.ref: n.note for n in item.notes}
        for ref in item.in_scope:
            state = ScopeState.PARTIAL if ref in partial else ScopeState.IN_SCOPE
            note = partial.get(ref) or notes.get(ref)
            self.scope(release, ref, state, note, ref in item.added, item.source)
        for ref in item.removed:
            self.scope(release, ref, ScopeState.REMOVED, notes.get(ref), False, item.source)
        self.candidates(release, item)

    def candidates(self, release: Release, item: cs.Release) -> None:
        notes = {n.ref: n.note for n in item.notes}
        for ref in item.candidates:
            self.candidate(release, ref, notes.get(ref), item.source)

    def get_release(
        self, text: str, *, go_live: date | None = None, source: cs.SourcePos
    ) -> Release:
        """The release named, created (as known from this document) when it is new."""
        name = release_name(text)
        release = queries.get_release_by_name(self.session, name=name)
        if release is not None:
            return release
        pending = next(
            (r for r in self.session.new if isinstance(r, Release) and r.name == name), None
        )
        if pending is not None:
            return pending
        release = Release(name=name, go_live=go_live, as_of=self.as_of, ad_hoc=False)
        self.session.add(release)
        when = f", going live {go_live:%d %B %Y}" if go_live else ""
        self.note(ADD, release_title(name), f"new release{when}", source)
        return release

    def move_release(self, release: Release, item: cs.Release) -> None:
        title = release_title(release.name)
        if release.go_live is None or (release.as_of or date.min) <= self.as_of:
            before, after = day_text(release.go_live), day_text(item.date)
            event = Event("go_live", release=title, before=before, after=after)
            self.note(UPDATE, title, f"go-live {before} → {after}", item.source, event)
            release.go_live, release.as_of = item.date, self.as_of
        else:
            self.note(KEEP, title, f"go-live {day_text(release.go_live)} kept (newer)", item.source)

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
        kind = "scope_removed" if state == ScopeState.REMOVED else "scope_added"
        words = _scope_words(state, added)
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
            event = Event(kind, ref=mod.ref, release=title, after=f"{words} {title}")
            self.note(ADD, mod.ref, f"{words} {title}", source, event)
        elif (entry.as_of or date.min) > self.as_of:
            return
        elif (entry.state, entry.note, entry.added) != (state.value, note, added):
            before = f"{_scope_words(ScopeState(entry.state), entry.added)} {title}"
            moved = entry.state != state.value
            event = Event(kind, ref=mod.ref, release=title, before=before, after=f"{words} {title}")
            self.note(UPDATE, mod.ref, f"now {words} {title}", source, event if moved else None)
            entry.state, entry.note, entry.added = state.value, note, added
            entry.as_of, entry.document = self.as_of, self.document
        self.target(mod, release, state)

    def target(self, mod: Modification, release: Release, state: ScopeState) -> None:
        """A modification targets the latest release it is (partly) in."""
        current = mod.target_release
        if state == ScopeState.REMOVED:
            if current is release:
                mod.target_release = None
            return
        if current is None or (release.go_live or date.min) >= (current.go_live or date.min):
            mod.target_release = release  # the scope change is the event people are told of

    def target_moved(
        self,
        mod: Modification,
        before: Release | None,
        after: Release | None,
        source: cs.SourcePos,
    ) -> None:
        shown = [release_title(r.name) if r else None for r in (before, after)]
        event = Event(
            "target_release",
            ref=mod.ref,
            release=shown[1] or shown[0],
            before=shown[0],
            after=shown[1],
        )
        what = f"targets {shown[1]}" if shown[1] else "no longer targets a release"
        self.note(UPDATE if before else ADD, mod.ref, what, source, event)

    def release_target(self, mod: Modification, item: cs.Modification, order: str) -> bool:
        """The release a modification page's implementation names becomes its target."""
        assert item.release is not None
        release = self.get_release(item.release, source=item.source)
        if mod.target_release is release:
            return False
        if mod.target_release is not None and order != "newer":
            title = release_title(mod.target_release.name)
            action = KEEP if order == "older" else CONFLICT
            self.note(action, mod.ref, f"target {title} kept", item.source)
            return False
        self.target_moved(mod, mod.target_release, release, item.source)
        mod.target_release = release
        return True


def _scope_words(state: ScopeState, added: bool) -> str:
    words = {
        ScopeState.IN_SCOPE: "in scope of",
        ScopeState.PARTIAL: "partly in scope of",
        ScopeState.REMOVED: "removed from",
    }[state]
    return f"added, {words}" if added else words
