"""Which pages a pass visits: the sitemaps (with their lastmod), the links of the home page,
the modifications listing and release pages, and every page seen before. Only the site's host.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from storage.ingest.pages import classify_url

# Kinds a pass reads, in the order they are fetched: listings first (they lead to the rest),
# modification pages before release pages (a release's scope names known modifications).
READ_KINDS = ("home", "listing", "modification", "release", "consultation", "news")
MAX_SITEMAP_URLS = 50_000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: datetime | None


@dataclass(frozen=True)
class Sitemap:
    """A sitemap's page entries and, for a sitemap index, the sitemaps it lists."""

    pages: tuple[SitemapEntry, ...]
    children: tuple[str, ...]


def parse_lastmod(text: str | None) -> datetime | None:
    """W3C datetime ("2021-06-01", "2021-06-01T10:00:00+00:00") as aware UTC, or None."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(body: bytes) -> Sitemap:
    """A <urlset> or <sitemapindex>; anything unreadable is an empty sitemap."""
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return Sitemap((), ())
    if root is None:
        return Sitemap((), ())
    pages: list[SitemapEntry] = []
    children: list[str] = []
    for item in root:
        fields = {_local(child.tag): (child.text or "").strip() for child in item}
        loc = fields.get("loc")
        if not loc:
            continue
        if _local(root.tag) == "sitemapindex":
            children.append(loc)
        elif len(pages) < MAX_SITEMAP_URLS:
            pages.append(SitemapEntry(loc, parse_lastmod(fields.get("lastmod"))))
    return Sitemap(tuple(pages), tuple(children))


def normalise(url: str, *, base: str) -> str:
    """Absolute, without fragment or query, with a trailing slash on page paths."""
    absolute, _ = urldefrag(urljoin(base, url.strip()))
    parts = urlsplit(absolute)
    path = parts.path or "/"
    last = path.rsplit("/", 1)[-1]
    if not path.endswith("/") and "." not in last:
        path += "/"
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def followable(url: str, host: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and parts.netloc.lower() == host
        and classify_url(url) in READ_KINDS
    )


def links_of(hrefs: tuple[str, ...], *, page_url: str, host: str) -> list[str]:
    """The page's links worth visiting: same host, of a kind the sync reads."""
    found: dict[str, None] = {}
    for href in hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        url = normalise(href, base=page_url)
        if followable(url, host):
            found[url] = None
    return list(found)
