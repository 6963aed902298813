"""Plans: dated milestones (a newer date moves them) and decisions a modification waits on."""

from __future__ import annotations

from datetime import date

from sec.vague_dates import Precision, VagueDate
from storage.changes.base import Facts, norm
from storage.changes.report import ADD, KEEP, UPDATE
from storage.ingest import changeset as cs
from storage.models import Decision, Milestone, Modification


class PlanRules(Facts):
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
        """A wait (a decision, or work owed) opens; a resolved one closes its open match."""
        mod = self.find(item.ref)
        if mod is None:
            return
        same = [
            d
            for d in mod.decisions
            if d.owner == item.owner.value
            and d.kind == item.kind
            and norm(d.what) == norm(item.text)
        ]
        still_open = [d for d in same if d.resolved_on is None]
        if item.resolved_on is not None:
            self.resolve(mod.ref, item, still_open, done=any(d.resolved_on for d in same))
            return
        if still_open:
            self.move_due(mod.ref, still_open[0], item)
            return
        if any(d.resolved_on is not None and d.resolved_on >= self.as_of for d in same):
            self.note(KEEP, mod.ref, f"{item.text}: already resolved; kept", item.source)
            return
        mod.decisions.append(self.new_wait(item))
        self.note(ADD, mod.ref, f"{_wait_words(item)}: {item.text}", item.source)

    def new_wait(self, item: cs.Decision) -> Decision:
        return Decision(
            kind=item.kind,
            owner=item.owner.value,
            what=item.text,
            since=self.as_of,
            due_start=item.due.start if item.due else None,
            due_precision=item.due.precision.value if item.due else None,
            document=self.document,
            resolved_on=item.resolved_on,
            resolution=item.resolution,
        )

    def resolve(self, ref: str, item: cs.Decision, still_open: list[Decision], done: bool) -> None:
        if not still_open:
            if not done:
                self.find_or_none(ref).decisions.append(self.new_wait(item))
                self.note(ADD, ref, f"{_wait_words(item)}, resolved: {item.text}", item.source)
            return
        for wait in still_open:
            wait.resolved_on, wait.resolution = item.resolved_on, item.resolution
        self.note(UPDATE, ref, f"resolved: {item.text}", item.source)

    def move_due(self, ref: str, wait: Decision, item: cs.Decision) -> None:
        if item.due is None or (wait.due_start, wait.due_precision) == (
            item.due.start,
            item.due.precision.value,
        ):
            return
        if wait.since > self.as_of:
            self.note(KEEP, ref, f"{item.text}: due date kept (newer)", item.source)
            return
        wait.due_start, wait.due_precision = item.due.start, item.due.precision.value
        self.note(UPDATE, ref, f"{item.text}: now due {item.due.describe()}", item.source)

    def find_or_none(self, ref: str) -> Modification:
        mod = self.find(ref)
        assert mod is not None  # callers found it first
        return mod


def _wait_words(item: cs.Decision) -> str:
    if item.kind == "decision":
        return f"decision waiting on the {item.owner.value}"
    return f"{item.kind.replace('_', ' ')} owed by the {item.owner.value}"


def _vague(milestone: Milestone) -> VagueDate:
    return VagueDate(milestone.start, Precision(milestone.precision))


def _window_end(milestone: Milestone) -> date:
    return _vague(milestone).end


def _when(milestone: Milestone) -> str:
    return _vague(milestone).describe()
