"""Sync speed (issue 16 item 4): pages parsed per second, requests per sync of an unchanged
site (with and without the sitemap's lastmod), and the time of a 1,000-page sync against its
floor (pages ÷ rate), all against the fake SECAS website on SQLite.

The polite rate is 1 request a second; a 1,000-page sync at that rate takes 17 minutes, so
`make bench` runs it at SECBOT_BENCH_SYNC_RATE (default 10/s, the most SECBOT_SYNC_RATE
allows): the ratio to the floor is what is measured. At 1/s each page's work (about 0.1 s on
SQLite) hides inside the interval; at 10/s or more it starts to show.

`python -m bench.sync_speed [--pages N] [--rate R]` prints the figures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from jobs.sync import SyncConfig, run_sync
from storage.db import make_engine, session_factory, upgrade
from storage.ingest.pages import read_html, read_page
from tests.fakes.secas_site import generated_site

MIN_PAGES_PER_SECOND = 200.0
FLOOR_AIM = 1.05
RATE = float(os.environ.get("SECBOT_BENCH_SYNC_RATE", "10"))
PAGES = int(os.environ.get("SECBOT_BENCH_SYNC_PAGES", "1000"))


@dataclass(frozen=True)
class SyncFigures:
    pages: int
    rate: float
    parse_pages_per_second: float
    first_seconds: float
    first_requests: int
    floor_seconds: float
    unchanged_requests: int  # with lastmod
    unchanged_pages: int
    no_lastmod_requests: int
    no_lastmod_pages: int

    @property
    def floor_ratio(self) -> float:
        return self.first_seconds / self.floor_seconds


def parse_speed(pages: int = 1000) -> float:
    """Pages a second through the HTML reader and the modification reader."""
    site = generated_site(pages)
    bodies = [(p, page.body) for p, page in site.pages.items() if p.count("/") == 3]
    at = datetime.now(UTC)
    started = time.perf_counter()
    for path, body in bodies:
        reading = read_page(
            "modification", read_html(body), url="https://x.test" + path, fetched_at=at, known={}
        )
        assert reading.changes is not None
    return len(bodies) / (time.perf_counter() - started)


def _sync(url: str, site_url: str, rate: float):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        return run_sync(session_factory(engine), SyncConfig(url=site_url, requests_per_second=rate))
    finally:
        engine.dispose()


def measure(pages: int = PAGES, rate: float = RATE) -> SyncFigures:
    speed = parse_speed(min(pages, 1000))
    with tempfile.TemporaryDirectory(prefix="secbot-sync-bench-") as tmp:
        url = f"sqlite:///{tmp}/sync.db"
        upgrade(make_engine(url))
        site = generated_site(pages).start()
        try:
            first = _sync(url, site.url, rate)
            again = _sync(url, site.url, 100.0)
        finally:
            site.stop()
        small = generated_site(200)
        small.sitemap_lastmod = False
        small.start()
        url2 = f"sqlite:///{tmp}/sync2.db"
        upgrade(make_engine(url2))
        try:
            _sync(url2, small.url, 100.0)
            plain = _sync(url2, small.url, 100.0)
        finally:
            small.stop()
    return SyncFigures(
        pages=pages,
        rate=rate,
        parse_pages_per_second=speed,
        first_seconds=first.seconds,
        first_requests=first.requests,
        floor_seconds=pages / rate,
        unchanged_requests=again.requests,
        unchanged_pages=pages + 2,
        no_lastmod_requests=plain.requests,
        no_lastmod_pages=200 + 2,
    )


def rows(figures: SyncFigures) -> list[tuple[str, str, str, str]]:
    """(case, result, aim, verdict) rows for the bench table."""
    f = figures
    parse_ok = f.parse_pages_per_second >= MIN_PAGES_PER_SECOND
    per_page = f.no_lastmod_requests / f.no_lastmod_pages
    return [
        (
            "pages parsed",
            f"{f.parse_pages_per_second:,.0f} pages/s",
            f">= {MIN_PAGES_PER_SECOND:.0f} pages/s",
            "met" if parse_ok else "missed",
        ),
        (
            f"unchanged site, {f.no_lastmod_pages} pages, sitemap without lastmod",
            f"{f.no_lastmod_requests} requests ({per_page:.2f} a page, 4 for robots and sitemaps)",
            "<= 1 a page",
            "met" if f.no_lastmod_requests <= f.no_lastmod_pages + 4 else "missed",
        ),
        (
            f"unchanged site, {f.unchanged_pages} pages, sitemap with lastmod",
            f"{f.unchanged_requests} requests",
            "fewer than 1 a page",
            "met" if f.unchanged_requests < f.unchanged_pages else "missed",
        ),
        (
            f"first sync of {f.pages} pages at {f.rate:g}/s",
            f"{f.first_seconds:.1f} s for {f.first_requests} requests; floor {f.floor_seconds:.1f}"
            f" s ({f.floor_ratio:.3f}x)",
            f"<= {FLOOR_AIM}x pages/rate",
            "met" if f.floor_ratio <= FLOOR_AIM else f"missed ({f.floor_ratio:.3f}x)",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=PAGES)
    parser.add_argument("--rate", type=float, default=RATE)
    args = parser.parse_args(argv)
    for case, result, aim, verdict in rows(measure(args.pages, args.rate)):
        print(f"{case}: {result} (aim {aim}: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
