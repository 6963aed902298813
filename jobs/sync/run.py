"""One polite pass over the site: discover, fetch (conditionally), read, apply, remember.

Order: robots.txt, the sitemaps, then pages by kind (home and listings, modification pages,
release pages, the rest). Release pages are applied after every modification page, so their
scope names modifications the store already knows. Each page is applied in its own transaction
with its state, so a pass killed half-way leaves a consistent store and the next pass completes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs.sync import apply as writer
from jobs.sync.client import Fetched, SiteClient
from jobs.sync.config import SyncConfig
from jobs.sync.discovery import READ_KINDS, followable, links_of, normalise, parse_sitemap
from jobs.sync.prefetch import Prefetcher
from jobs.sync.result import PageOutcome, SyncResult
from sec.timefmt import now as clock_now
from storage import site_store
from storage.db import transaction
from storage.ingest.pages import PageReading, PageText, classify_url, read_html, read_page
from storage.ingest.pages.reading import title_key
from storage.models import Modification
from storage.site_models import SitePage

log = logging.getLogger(__name__)
FOLLOW_FROM = frozenset({"home", "listing", "release"})
PageHook = Callable[[PageOutcome], None]
# session, kind, pages drifting, pages read, run id, example URLs -> messages queued
DriftAlarm = Callable[[Session, str, int, int, int, Sequence[str]], int]


def _known_refs(session: Session) -> dict[str, str]:
    """slug -> ref and lower-case title -> ref, to name pages whose heading has no reference."""
    known: dict[str, str] = {}
    for ref, slug, key in session.execute(
        select(Modification.ref, Modification.slug, Modification.title_key)
    ):
        known.setdefault(key, ref)
        if slug:
            known[slug] = ref
    return known


class SyncPass:
    """The state of one pass; ``run()`` does it."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        config: SyncConfig,
        *,
        dry_run: bool = False,
        clock: Callable[[], datetime] = clock_now,
        on_page: PageHook | None = None,
        alarm: DriftAlarm | None = None,
        client: SiteClient | None = None,
    ) -> None:
        self.sessions, self.config, self.clock = sessions, config, clock
        self.client = client or SiteClient(config)
        self.on_page, self.alarm = on_page, alarm
        self.result = SyncResult(site=self.client.base, dry_run=dry_run)
        self.queue: dict[str, dict[str, None]] = {kind: {} for kind in READ_KINDS}
        self.seen: set[str] = set()
        self.lastmod: dict[str, datetime] = {}
        self.deferred: list[tuple[str, Fetched, PageText, PageReading, datetime]] = []
        self.read_by_kind: dict[str, int] = {}
        self.ctx: writer.Pass | None = None
        self.lock = threading.RLock()
        self.taken = 0

    # -- the pass ----------------------------------------------------------------------------

    def run(self) -> SyncResult:
        started, timer = self.clock(), time.monotonic()
        try:
            robots = self.client.load_robots()
            if robots.status == 0:
                self.result.error = robots.error or "no answer"
                self._finish(started, None)
                return self.result
            self.result.reached = True
            if robots.status >= 500:
                self.result.error = f"robots.txt answered {robots.status}: the site is unavailable"
            self._begin(started)
            self._discover()
            self._fetch_all()
            self._apply_deferred()
            self._check_drift()
        finally:
            self.result.requests = self.client.requests
            self.result.seconds = time.monotonic() - timer
            self.client.close()
        self._finish(started, self.result.run_id)
        return self.result

    def _begin(self, started: datetime) -> None:
        with transaction(self.sessions) as session:
            baseline = site_store.is_baseline(session, site=self.client.base)
            run_id = None
            if not self.result.dry_run:
                run_id = site_store.start_run(
                    session, site=self.client.base, started_at=started, baseline=baseline
                ).id
            known = site_store.known_pages(session)
            self.known_refs = _known_refs(session)
            self.pages: dict[str, SitePage] = known
            for page in known.values():  # detached copies are enough: read-only below
                session.expunge(page)
        self.result.baseline, self.result.run_id = baseline, run_id
        self.ctx = writer.Pass(
            self.sessions, run_id, baseline, self.result.dry_run, self.config.apply == "review"
        )

    def _finish(self, started: datetime, run_id: int | None) -> None:
        result = self.result
        failed_all = (
            result.reached
            and result.pages
            and all(p.outcome in ("failed", "drift") for p in result.pages)
        )
        result.ok = result.reached and not failed_all and result.error is None
        if result.dry_run:
            return
        with transaction(self.sessions) as session:
            if run_id is None:
                run_id = site_store.start_run(
                    session, site=self.client.base, started_at=started, baseline=False
                ).id
                result.run_id = run_id
            site_store.finish_run(
                session,
                run_id=run_id,
                counts=result.counts(),
                ok=result.ok,
                finished_at=self.clock(),
                error=result.error,
                drift_kinds=result.drift_kinds,
            )

    # -- discovery ---------------------------------------------------------------------------

    def _enqueue(self, url: str) -> None:
        kind = classify_url(url)
        with self.lock:  # the fetching thread takes from the same queue
            if url not in self.seen and kind in self.queue and followable(url, self.client.host):
                self.queue[kind][url] = None

    def _discover(self) -> None:
        base = self.client.base
        self._enqueue(normalise("/", base=base))
        self._enqueue(normalise("/modifications/", base=base))
        for url, page in self.pages.items():
            if page.kind in READ_KINDS:
                self._enqueue(url)
        sitemaps = list(self.client.sitemaps) or [normalise("/sitemap.xml", base=base)]
        done: set[str] = set()
        while sitemaps and len(done) < self.config.max_sitemaps:
            url = sitemaps.pop(0)
            if url in done:
                continue
            done.add(url)
            fetched = self.client.get(url)
            if not fetched.ok:
                continue
            sitemap = parse_sitemap(fetched.body)
            sitemaps.extend(u for u in sitemap.children if self.client.in_host(u))
            for entry in sitemap.pages:
                page_url = normalise(entry.url, base=base)
                if entry.lastmod is not None:
                    self.lastmod[page_url] = entry.lastmod
                self._enqueue(page_url)

    def _next(self) -> str | None:
        for kind in READ_KINDS:
            if self.queue[kind]:
                url = next(iter(self.queue[kind]))
                del self.queue[kind][url]
                return url
        return None

    # -- fetching ----------------------------------------------------------------------------

    def _fetch_all(self) -> None:
        prefetcher = Prefetcher(self._take, self._fetch, lock=self.lock)
        for item in prefetcher.results():
            self._handle(*item)

    def _take(self) -> tuple[str, str] | None:
        """The next page to fetch (called with the lock held), within the pass's bound."""
        if self.taken >= self.config.max_pages or self.result.error is not None:
            return None
        url = self._next()
        if url is None:
            return None
        self.seen.add(url)
        self.taken += 1
        return url, classify_url(url)

    def _unchanged_by_lastmod(self, url: str) -> bool:
        """The sitemap's lastmod is the one it gave when the page was last read well.

        Compared with the sitemap's own earlier value, never with our clock, so a site whose
        clock is off cannot hide a change."""
        page, lastmod = self.pages.get(url), self.lastmod.get(url)
        return bool(
            page is not None
            and lastmod is not None
            and page.parse_ok
            and page.checksum
            and page.sitemap_lastmod is not None
            and lastmod <= page.sitemap_lastmod
        )

    def _fetch(self, work: tuple[str, str]) -> tuple[str, str, Fetched | None, datetime]:
        """On the fetching thread: the page, or None when the sitemap says it is unchanged."""
        url, kind = work
        if kind not in ("home", "listing") and self._unchanged_by_lastmod(url):
            return url, kind, None, self.clock()
        known = self.pages.get(url)
        fetched = self.client.get(
            url,
            etag=known.etag if known else None,
            last_modified=known.last_modified if known else None,
        )
        return url, kind, fetched, self.clock()

    def _handle(self, url: str, kind: str, fetched: Fetched | None, at: datetime) -> None:
        """On the pass's thread: record and apply what one fetch gave."""
        assert self.ctx is not None
        if fetched is None:
            note = "unchanged since the last read (sitemap lastmod)"
            self._report(PageOutcome(url, kind, "skipped", 0, note))
            return
        if fetched.url != url:  # an in-host redirect: read the page under its own address
            self._report(PageOutcome(url, kind, "read", 301, f"moved to {fetched.url}"))
            with self.lock:
                if fetched.url in self.seen or classify_url(fetched.url) not in READ_KINDS:
                    return
                url, kind = fetched.url, classify_url(fetched.url)
                self.seen.add(url)
        if fetched.status == 304:
            writer.record_not_modified(self.ctx, url, kind, fetched, at, self.lastmod.get(url))
            self._report(PageOutcome(url, kind, "not_modified", 304))
        elif not fetched.ok:
            writer.record_failure(self.ctx, url, kind, fetched, at)
            self._report(
                PageOutcome(
                    url, kind, "failed", fetched.status, f"{fetched.error}; retried next pass"
                )
            )
        else:
            self._read(url, kind, fetched, at)

    def _read(self, url: str, kind: str, fetched: Fetched, at: datetime) -> None:
        assert self.ctx is not None
        text = read_html(fetched.body)
        if kind in FOLLOW_FROM:
            for link in links_of(text.links, page_url=url, host=self.client.host):
                self._enqueue(link)
        if kind in ("home", "listing"):
            writer.record_read(self.ctx, url, kind, fetched, at, text, self.lastmod.get(url))
            self._report(PageOutcome(url, kind, "read", 200, text.heading[:80]))
            return
        reading = read_page(kind, text, url=url, fetched_at=at, known=self.known_refs)
        self.read_by_kind[kind] = self.read_by_kind.get(kind, 0) + 1
        if kind == "release" and reading.changes is not None:
            self.deferred.append((url, fetched, text, reading, at))
            return
        if reading.changes is None and kind in ("consultation", "news"):
            writer.record_read(self.ctx, url, kind, fetched, at, text, self.lastmod.get(url))
            self._report(
                PageOutcome(url, kind, "read", 200, reading.summary or "; ".join(reading.problems))
            )
            return
        self._apply(url, fetched, text, reading, at)

    def _apply(
        self, url: str, fetched: Fetched, text: PageText, reading: PageReading, at: datetime
    ) -> None:
        assert self.ctx is not None
        outcome = writer.apply_page(
            self.ctx, url, fetched, text, reading, at, self.lastmod.get(url)
        )
        if reading.changes and reading.changes.modifications and not self.result.dry_run:
            mod = reading.changes.modifications[0]
            self.known_refs[title_key(mod.title)] = mod.ref
        self._report(outcome)

    def _apply_deferred(self) -> None:
        for url, fetched, text, reading, at in self.deferred:
            self._apply(url, fetched, text, reading, at)

    def _report(self, outcome: PageOutcome) -> None:
        self.result.pages.append(outcome)
        if self.on_page is not None:
            self.on_page(outcome)

    # -- drift -------------------------------------------------------------------------------

    def _check_drift(self) -> None:
        """Most pages of a kind without their fields: tell the administrators (once)."""
        for kind, read in self.read_by_kind.items():
            urls = [p.url for p in self.result.pages if p.kind == kind and p.outcome == "drift"]
            if urls:
                self.result.drift_kinds[kind] = len(urls)
            if read >= 3 and len(urls) * 2 > read and self.alarm and self.result.run_id:
                with transaction(self.sessions) as session:
                    self.result.alarms += self.alarm(
                        session, kind, len(urls), read, self.result.run_id, urls
                    )


def run_sync(
    sessions: sessionmaker[Session],
    config: SyncConfig,
    *,
    dry_run: bool = False,
    clock: Callable[[], datetime] = clock_now,
    on_page: PageHook | None = None,
    alarm: DriftAlarm | None = None,
    client: SiteClient | None = None,
) -> SyncResult:
    """One pass over the site (see the module's docstring)."""
    return SyncPass(
        sessions, config, dry_run=dry_run, clock=clock, on_page=on_page, alarm=alarm, client=client
    ).run()
