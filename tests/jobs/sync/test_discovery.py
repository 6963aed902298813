"""Sitemaps, links and URLs: what a pass would visit."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from jobs.sync.discovery import links_of, normalise, parse_lastmod, parse_sitemap

BASE = "https://site.test/"


def test_sitemap_index_and_urlset() -> None:
    index = parse_sitemap(
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://site.test/a.xml</loc></sitemap></sitemapindex>"
    )
    assert index.children == ("https://site.test/a.xml",) and index.pages == ()
    urlset = parse_sitemap(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
        b"<loc>https://site.test/modifications/x/</loc><lastmod>2021-06-01</lastmod></url>"
        b"<url><loc>https://site.test/y/</loc></url></urlset>"
    )
    assert [(p.url, p.lastmod) for p in urlset.pages] == [
        ("https://site.test/modifications/x/", datetime(2021, 6, 1, tzinfo=UTC)),
        ("https://site.test/y/", None),
    ]


def test_bad_sitemaps_are_empty_and_entities_are_not_expanded() -> None:
    assert parse_sitemap(b"<html>not xml").pages == ()
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
        b"<urlset><url><loc>https://site.test/&a;/</loc></url></urlset>"
    )
    assert all("aaaaaaaaaa" not in p.url for p in parse_sitemap(bomb).pages)


def test_links_stay_on_the_host_and_on_pages_we_read() -> None:
    hrefs = (
        "/modifications/credit-cover-review/#top",
        "modifications/other?utm=1",
        "https://elsewhere.test/modifications/x/",
        "mailto:someone@site.test",
        "/about-us/",
        "/november-2020-sec-release",
        "/wp-content/doc.pdf",
    )
    assert links_of(hrefs, page_url=BASE, host="site.test") == [
        "https://site.test/modifications/credit-cover-review/",
        "https://site.test/modifications/other/",
        "https://site.test/november-2020-sec-release/",
    ]


@given(st.datetimes(timezones=st.just(UTC)))
def test_lastmod_reads_back(moment: datetime) -> None:
    assert parse_lastmod(moment.isoformat()) == moment
    assert parse_lastmod("nonsense") is None


@given(st.text(alphabet="abcdefghij-/", max_size=40))
def test_normalise_is_idempotent(path: str) -> None:
    once = normalise(path, base=BASE)
    assert normalise(once, base=BASE) == once
