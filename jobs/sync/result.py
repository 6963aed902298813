"""What one pass did, page by page, for the command line (text or JSON) and the worker."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from storage.site_store import RunCounts

# One page's outcome: fetched and changed the store, fetched and changed nothing, 304,
# skipped by the sitemap's lastmod, failed (error, 5xx, timeout), drift (200 without the
# fields of its kind), pending (kept for an administrator's review), read (nothing to apply).
OUTCOMES = ("changed", "unchanged", "not_modified", "skipped", "failed", "drift", "pending", "read")


@dataclass
class PageOutcome:
    url: str
    kind: str
    outcome: str
    status: int = 0
    note: str = ""
    changes: list[str] = field(default_factory=list)

    def line(self) -> str:
        status = str(self.status) if self.status else "---"
        note = f": {self.note}" if self.note else ""
        return f"{status} {self.outcome:<12} {self.kind:<12} {self.url}{note}"


@dataclass
class SyncResult:
    site: str
    reached: bool = False
    ok: bool = False
    dry_run: bool = False
    baseline: bool = False
    run_id: int | None = None
    requests: int = 0
    seconds: float = 0.0
    pages: list[PageOutcome] = field(default_factory=list)
    drift_kinds: dict[str, int] = field(default_factory=dict)
    alarms: int = 0
    error: str | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for page in self.pages if page.outcome == outcome)

    def counts(self) -> RunCounts:
        return RunCounts(
            fetched=sum(1 for p in self.pages if p.status == 200),
            not_modified=self.count("not_modified"),
            skipped=self.count("skipped"),
            failed=self.count("failed"),
            drift=self.count("drift"),
            changes=sum(len(p.changes) for p in self.pages),
            requests=self.requests,
        )

    def summary(self) -> str:
        if not self.reached:
            return f"{self.site} could not be reached ({self.error}); nothing changed."
        counts = self.counts()
        words = (
            f"{counts.fetched} fetched, {counts.not_modified} not modified, "
            f"{counts.skipped} skipped (sitemap lastmod), {counts.failed} failed, "
            f"{counts.drift} without their fields; {counts.changes} changes; "
            f"{self.requests} requests in {self.seconds:.1f}s"
        )
        tail = " (dry run: nothing was written)" if self.dry_run else ""
        base = " Baseline sync: nobody is notified." if self.baseline and not self.dry_run else ""
        return f"{self.site}: {words}.{tail}{base}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = asdict(self.counts())
        return data
