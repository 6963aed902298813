"""Modification facts: created, retitled, status and stage, the page fields, the timeline."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sec.lifecycle import Stage
from sec.references import parse_ref
from sec.timefmt import uk_short_date
from storage.changes.base import norm
from storage.changes.releases import ReleaseRules
from storage.changes.report import ADD, CONFLICT, KEEP, UPDATE, Event, slugify
from storage.changes.timeline import timeline_stage
from storage.ingest import changeset as cs
from storage.models import Modification, StatusEntry

TIMELINE = "timeline"  # StatusEntry.recorded_by of a dated timeline line (not a status report)

# Page fields kept as they are: (attribute, label in the report).
_PLAIN_FIELDS = (
    ("proposer", "proposer"),
    ("lead_analyst", "lead analyst"),
    ("raised_on", "date raised"),
    ("dcc_impact", "DCC System impact"),
    ("path", "decision path"),
)


class ModificationRules(ReleaseRules):
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
        self.details(mod, item)
        for line in item.history:
            self.timeline(mod, line, item)

    def create(self, item: cs.Modification) -> Modification | None:
        ref = parse_ref(item.ref)
        if ref is None or not item.title:
            self.note(CONFLICT, item.ref, "mentioned without a title; not added", item.source)
            return None
        title = " ".join(item.title.split())
        mod = Modification(
            ref=ref.canonical,
            number=ref.number,
            letter=ref.letter,
            title=title,
            title_key=title.lower(),
            slug=slugify(title),
            stage=(item.stage or Stage.SUBMITTED).value,
        )
        self.session.add(mod)
        self.mods[mod.ref] = mod
        self.missing.discard(mod.ref)
        self.created.add(mod.ref)
        self.note(
            ADD,
            mod.ref,
            f"new modification ‘{title}’",
            item.source,
            Event("raised", ref=mod.ref, after=title),
        )
        return mod

    def retitle(self, mod: Modification, item: cs.Modification) -> None:
        title = " ".join(item.title.split())
        if mod.status_as_of is not None and mod.status_as_of > self.as_of:
            self.note(
                KEEP, mod.ref, f"title ‘{mod.title}’ kept (newer than this paper)", item.source
            )
            return
        event = Event("title", ref=mod.ref, before=mod.title, after=title)
        self.note(UPDATE, mod.ref, f"title ‘{mod.title}’ → ‘{title}’", item.source, event)
        if mod.slug == slugify(mod.title):  # a slug we derived follows the title; a real one stays
            mod.slug = slugify(title)
        mod.title, mod.title_key = title, title.lower()

    def status(self, mod: Modification, item: cs.Modification) -> None:
        stage = (item.stage or Stage(mod.stage)).value
        text = item.status or Stage(stage).label
        same_day = [
            e
            for e in mod.history
            if e.as_of == self.as_of and e.recorded_by != TIMELINE and not self.entry_is_older(e)
        ]
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
                recorded_by=f"{self.recorded_by} (stage inferred)"
                if item.stage_inferred
                else self.recorded_by,
            )
        )
        if mod.status_as_of is not None and mod.status_as_of > self.as_of:
            self.note(
                KEEP, mod.ref, "older status added to history; current status kept", item.source
            )
            return
        self.current(mod, stage, text, item)

    def current(self, mod: Modification, stage: str, text: str, item: cs.Modification) -> None:
        """The status this document gives becomes the modification's current one."""
        if mod.stage != stage:
            before, after = Stage(mod.stage).label, Stage(stage).label
            event = Event("stage", ref=mod.ref, before=before, after=after)
            self.note(UPDATE, mod.ref, f"stage {mod.stage} → {stage}", item.source, event)
        if mod.status != text:
            event = Event("status", ref=mod.ref, before=mod.status, after=text)
            self.note(UPDATE if mod.status else ADD, mod.ref, f"status: {text}", item.source, event)
        mod.stage, mod.status, mod.status_as_of = stage, text, self.as_of
        mod.stage_inferred = item.stage_inferred if item.stage else False

    # -- the fields a modification's web page carries ------------------------------------------

    def details(self, mod: Modification, item: cs.Modification) -> None:
        given = {attr: getattr(item, attr) for attr, _ in _PLAIN_FIELDS}
        given = {attr: value for attr, value in given.items() if value is not None}
        if "path" in given:
            given["path"] = str(given["path"])[:10]
        has_impl = item.implementation is not None or item.implementation_date is not None
        if not given and not has_impl and item.release is None and item.url is None:
            return
        order = self.newer_than(mod.details_as_of)
        if order == "older" and not self.fills_gaps(mod, given):
            self.note(KEEP, mod.ref, "page details kept (newer than this document)", item.source)
            return
        changed = False
        for attr, label in _PLAIN_FIELDS:
            if attr in given:
                changed |= self.plain_field(mod, attr, label, given[attr], order, item)
        if has_impl:
            changed |= self.implementation(mod, item, order)
        if item.release is not None:
            changed |= self.release_target(mod, item, order)
        if item.url:
            self.slug_from_url(mod, item.url)
        if changed and order != "older":
            mod.details_as_of = self.as_of

    def fills_gaps(self, mod: Modification, given: dict[str, Any]) -> bool:
        return any(getattr(mod, attr) is None for attr in given)

    def plain_field(
        self,
        mod: Modification,
        attr: str,
        label: str,
        value: Any,
        order: str,
        item: cs.Modification,
    ) -> bool:
        stored = getattr(mod, attr)
        if stored == value:
            return False
        shown = _show(value)
        if stored is not None and order == "older":
            self.note(KEEP, mod.ref, f"{label} {_show(stored)} kept (newer)", item.source)
            return False
        if stored is not None and order == "same":
            self.note(
                CONFLICT,
                mod.ref,
                f"{label}: another document says {_show(stored)}; kept",
                item.source,
            )
            return False
        self.note(ADD if stored is None else UPDATE, mod.ref, f"{label}: {shown}", item.source)
        setattr(mod, attr, value)
        return True

    def implementation(self, mod: Modification, item: cs.Modification, order: str) -> bool:
        stored = (mod.implementation, mod.implementation_date)
        given = (item.implementation, item.implementation_date)
        if stored == given:
            return False
        before = _impl(*stored)
        if any(v is not None for v in stored) and order != "newer":
            action, verb = (KEEP, "kept (newer)") if order == "older" else (CONFLICT, "kept")
            self.note(action, mod.ref, f"implementation {before} {verb}", item.source)
            return False
        after = _impl(*given)
        event = Event("implementation", ref=mod.ref, before=before, after=after)
        action = UPDATE if before else ADD
        self.note(action, mod.ref, f"implementation: {after}", item.source, event)
        mod.implementation, mod.implementation_date = given
        return True

    def slug_from_url(self, mod: Modification, url: str) -> None:
        parts = [p for p in urlsplit(url).path.split("/") if p]
        if parts and parts[-1] != mod.slug:
            mod.slug = parts[-1][:300]

    def timeline(self, mod: Modification, line: cs.HistoryEntry, item: cs.Modification) -> None:
        """A dated timeline line joins the history by its own date, once."""
        text = " ".join(line.text.split())[:2000]
        if not text:
            return
        key = norm(text)
        if any(e.as_of == line.date and norm(e.status) == key for e in mod.history):
            return
        stage = timeline_stage(text, earlier=_stage_before(mod, line.date), ref=mod.ref)
        mod.history.append(
            StatusEntry(
                as_of=line.date,
                stage=stage.value,
                status=text,
                document=self.document,
                recorded_by=TIMELINE,
            )
        )
        self.note(ADD, mod.ref, f"history {line.date:%d %B %Y}: {text}", item.source)


def _stage_before(mod: Modification, day: date) -> Stage | None:
    earlier = [e for e in mod.history if e.as_of <= day]
    return Stage(max(earlier, key=lambda e: e.as_of).stage) if earlier else None


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return uk_short_date(value)
    return str(value)


def _impl(text: str | None, day: date | None) -> str | None:
    """Short display text of an implementation: the date when known, else the words shown."""
    if day is not None:
        return uk_short_date(day)
    return text
