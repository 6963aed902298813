"""The polite client against the fake site: rate, robots, redirects, size, 429/503, 304."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

from jobs.sync.client import RateLimiter, retry_after
from tests.fakes.secas_site import MP104, MP159, FakeSecasSite
from tests.jobs.sync.conftest import Sleeps, client_for


def test_rate_limiter_sleeps_only_what_is_left() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    limiter.wait()  # the first goes at once
    now[0] += 0.2
    limiter.wait()  # 0.3 s of the 0.5 s interval left
    now[0] += 2.0
    limiter.wait()  # long enough ago: no sleep
    assert [round(s, 3) for s in slept] == [0.3]


def test_retry_after_in_seconds_and_dates() -> None:
    assert retry_after("7") == 7.0
    when = datetime(2026, 12, 1, 9, 0, 30, tzinfo=UTC)
    assert retry_after(format_datetime(when, usegmt=True), now=when.timestamp() - 30) == 30.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_user_agent_names_secbot_and_the_contact(site: FakeSecasSite, sleeps: Sleeps) -> None:
    with client_for(site, sleeps) as client:
        client.load_robots()
        client.get(site.url + MP159.lstrip("/"))
    agent = site.requests_for(MP159)[0].headers["user-agent"]
    assert "secbot" in agent and "ops@example.org" in agent


def test_robots_rules_and_sitemap_lines_are_obeyed(site: FakeSecasSite, sleeps: Sleeps) -> None:
    site.robots_extra = "Disallow: /modifications/credit-cover-review/\n"
    with client_for(site, sleeps) as client:
        client.load_robots()
        refused = client.get(site.url + MP159.lstrip("/"))
    assert refused.status == 0 and "robots" in (refused.error or "")
    assert site.requests_for(MP159) == []
    assert client.sitemaps == [site.url + "sitemap_index.xml"]


def test_robots_5xx_disallows_everything(site: FakeSecasSite, sleeps: Sleeps) -> None:
    site.robots_status = 500
    with client_for(site, sleeps) as client:
        client.load_robots()
        assert not client.allowed(site.url + MP159.lstrip("/"))


def test_503_with_retry_after_is_waited_for_then_read(site: FakeSecasSite, sleeps: Sleeps) -> None:
    site.script(MP159, [(503, {"Retry-After": "3"}), (429, {"Retry-After": "5"})])
    with client_for(site, sleeps) as client:
        fetched = client.get(site.url + MP159.lstrip("/"))
    assert fetched.status == 200 and b"Credit Cover Review" in fetched.body
    assert [s.status for s in site.requests_for(MP159)] == [503, 429, 200]
    assert any(2.9 < s <= 3.0 for s in sleeps) and any(4.9 < s <= 5.0 for s in sleeps)


def test_backoff_is_bounded(site: FakeSecasSite, sleeps: Sleeps) -> None:
    site.script(MP159, [(503, {"Retry-After": "1"})] * 10)
    with client_for(site, sleeps, max_retries=2) as client:
        fetched = client.get(site.url + MP159.lstrip("/"))
    assert fetched.status == 503 and not fetched.ok
    assert len(site.requests_for(MP159)) == 3  # the first try and two retries
    site.scripted.clear()
    site.script(MP159, [(503, {"Retry-After": "3600"})])
    with client_for(site, sleeps) as client:
        too_long = client.get(site.url + MP159.lstrip("/"))
    assert too_long.status == 503 and "wait" in (too_long.error or "")
    assert max(sleeps) < 3600


def test_redirects_only_within_the_host(site: FakeSecasSite, sleeps: Sleeps) -> None:
    with client_for(site, sleeps) as client:
        inside = client.get(site.url + "modifications/mp104/")
        outside = client.get(site.url + "modifications/moved-away/")
    assert inside.ok and inside.url == site.url + MP104.lstrip("/")
    assert outside.status == 301 and "off the site" in (outside.error or "")


def test_size_limit_stops_reading(site: FakeSecasSite, sleeps: Sleeps) -> None:
    with client_for(site, sleeps, max_page_bytes=500) as client:
        fetched = client.get(site.url + MP159.lstrip("/"))
    assert fetched.status == 0 and "larger than 500" in (fetched.error or "")


def test_conditional_requests_get_304(site: FakeSecasSite, sleeps: Sleeps) -> None:
    url = site.url + MP159.lstrip("/")
    with client_for(site, sleeps) as client:
        first = client.get(url)
        by_etag = client.get(url, etag=first.etag)
        by_date = client.get(url, last_modified=first.last_modified)
    assert (first.status, by_etag.status, by_date.status) == (200, 304, 304)


def test_timeouts_are_an_answerless_failure(sleeps: Sleeps) -> None:
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)  # accepts, never answers
    port = server.getsockname()[1]
    try:
        from jobs.sync import SyncConfig
        from jobs.sync.client import SiteClient

        config = SyncConfig(
            url=f"http://127.0.0.1:{port}/", timeout_seconds=0.3, requests_per_second=100
        )
        with SiteClient(config, sleep=sleeps) as client:
            fetched = client.get(f"http://127.0.0.1:{port}/modifications/x/")
        assert fetched.status == 0 and fetched.error == "timed out"
    finally:
        server.close()
