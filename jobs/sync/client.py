"""One polite HTTP client for the site: a rate limit, robots.txt, conditional requests,
a size limit, redirects only within the host, and bounded backoff on 429/503.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from jobs.sync.config import SyncConfig

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({429, 503})


class RateLimiter:
    """At most ``rate`` calls a second: sleeps only for what is left of the interval."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self._clock, self._sleep = clock, sleep
        self._next = 0.0

    def wait(self) -> None:
        now = self._clock()
        if now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval

    def hold(self, seconds: float) -> None:
        """Nothing goes before ``seconds`` from now (a Retry-After)."""
        self._next = max(self._next, self._clock() + seconds)


@dataclass(frozen=True)
class Fetched:
    """One fetch: status 0 means no answer (timeout, refused, too large, off-host redirect)."""

    url: str
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    retry_after: str | None = None  # the Retry-After header of a 429/503

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


def retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class SiteClient:
    """Every request of a sync goes through here, one at a time."""

    def __init__(
        self,
        config: SyncConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.base = config.url if config.url.endswith("/") else config.url + "/"
        self.host = urlsplit(self.base).netloc.lower()
        self._sleep = sleep
        self.limiter = RateLimiter(config.requests_per_second, sleep=sleep)
        self.requests = 0
        self.robots: RobotFileParser | None = None
        self.sitemaps: list[str] = []
        self._http = httpx.Client(
            timeout=httpx.Timeout(config.timeout_seconds),
            headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SiteClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def in_host(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() == self.host

    def allowed(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(self.config.user_agent, url)

    def load_robots(self) -> Fetched:
        """Read robots.txt: a 4xx allows all, a 5xx or no answer disallows all (RFC 9309)."""
        robots_url = urljoin(self.base, "/robots.txt")
        fetched = self._get(robots_url, {})
        parser = RobotFileParser(robots_url)
        if fetched.status == 200:
            parser.parse(fetched.body.decode("utf-8", "replace").splitlines())
            self.sitemaps = [u for u in (parser.site_maps() or []) if self.in_host(u)]
            delay = parser.crawl_delay(self.config.user_agent)
            if delay and float(delay) > self.limiter.interval:  # be as slow as the site asks
                self.limiter.interval = min(float(delay), 60.0)
        elif 400 <= fetched.status < 500:
            parser.parse([])  # no rules: everything allowed
        else:
            parser.parse(["User-agent: *", "Disallow: /"])
        self.robots = parser
        return fetched

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """A conditional GET of a page of the site (304 when unchanged since the tags given)."""
        if not self.in_host(url):
            return Fetched(url, 0, error="not on the site's host")
        if not self.allowed(url):
            return Fetched(url, 0, error="disallowed by robots.txt")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers)

    def _get(self, url: str, headers: dict[str, str]) -> Fetched:
        """Follow in-host redirects; back off on 429/503 within the bounds."""
        retries = 0
        hops = 0  # every loop is bounded: retries and redirects each have their limit
        for _try in range(self.config.max_redirects + self.config.max_retries + 1):
            fetched, location = self._once(url, headers)
            if fetched.status in RETRY_STATUSES:
                if retries >= self.config.max_retries:
                    return Fetched(
                        url, fetched.status, error=f"HTTP {fetched.status}, {retries} retries"
                    )
                retries += 1
                wait = retry_after(fetched.retry_after) or 2.0**retries
                if wait > self.config.max_retry_after:
                    return Fetched(url, fetched.status, error=f"asked to wait {wait:.0f}s")
                self.limiter.hold(wait)
                continue
            if location is None:
                return fetched
            target = urljoin(url, location)
            if not self.in_host(target):
                return Fetched(url, fetched.status, error=f"redirected off the site to {target}")
            if not self.allowed(target):
                return Fetched(
                    url, fetched.status, error="redirected to a page robots.txt disallows"
                )
            url, hops = target, hops + 1
            if hops > self.config.max_redirects:
                break
        return Fetched(url, 0, error="too many redirects")

    def _once(self, url: str, headers: dict[str, str]) -> tuple[Fetched, str | None]:
        """One request, waiting for the limiter; the redirect's Location when there is one."""
        self.limiter.wait()
        self.requests += 1
        try:
            with self._http.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in RETRY_STATUSES:
                    return Fetched(
                        url, status, retry_after=response.headers.get("Retry-After")
                    ), None
                if 300 <= status < 400 and status != 304 and "location" in response.headers:
                    return Fetched(url, status), response.headers["location"]
                body, too_large = self._read(response) if status == 200 else (b"", False)
                if too_large:
                    return Fetched(
                        url, 0, error=f"larger than {self.config.max_page_bytes} bytes"
                    ), None
                return Fetched(
                    url,
                    status,
                    body,
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                    error=None if status in (200, 304) else f"HTTP {status}",
                ), None
        except httpx.TimeoutException:
            return Fetched(url, 0, error="timed out"), None
        except httpx.HTTPError as exc:
            return Fetched(url, 0, error=f"no answer ({type(exc).__name__})"), None

    def _read(self, response: httpx.Response) -> tuple[bytes, bool]:
        """The body, stopping at the size limit (True when it was reached)."""
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.config.max_page_bytes:
                return b"", True
            chunks.append(chunk)
        return b"".join(chunks), False
