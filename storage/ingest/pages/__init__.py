"""Readers for the SECAS website's pages: pure parsing, HTML in, change sets out.

``classify_url`` says what a URL is by its path; ``read_page`` parses a page of that kind (and
re-classifies it by content when the path says nothing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

from storage.ingest.pages.html import PageText, read_html
from storage.ingest.pages.modification import read_modification
from storage.ingest.pages.news import read_news
from storage.ingest.pages.other import read_consultation
from storage.ingest.pages.reading import PageReading
from storage.ingest.pages.release import read_release

__all__ = ["PageReading", "PageText", "classify_url", "read_html", "read_page"]

_MODIFICATION = re.compile(r"^/modifications/[^/]+/?$")
_LISTING = re.compile(r"^/modifications/?$|^/modifications/page/\d+/?$")
_RELEASE = re.compile(
    r"^/(?:[a-z]+-)?(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)-\d{2,4}-sec-release/?$"
)
_CONSULTATION = re.compile(r"consultation", re.I)
_NEWS = re.compile(r"/(?:news|sec-version|the-sec|sec-v\d)", re.I)


def classify_url(url: str) -> str:
    """modification | release | listing | consultation | news | home | other, by path alone."""
    path = urlsplit(url).path or "/"
    if path == "/":
        return "home"
    if _LISTING.match(path):
        return "listing"
    if _MODIFICATION.match(path):
        return "modification"
    if _RELEASE.match(path.lower()):
        return "release"
    if _CONSULTATION.search(path):
        return "consultation"
    if _NEWS.search(path):
        return "news"
    return "other"


def read_page(
    kind: str,
    text: PageText,
    *,
    url: str,
    fetched_at: datetime,
    known: Mapping[str, str],
) -> PageReading:
    """Read a parsed page of a kind; known maps slugs and lower-case titles to references."""
    if kind == "modification":
        return read_modification(
            text.lines, text.heading, url=url, fetched_at=fetched_at, known=known
        )
    if kind == "release":
        return read_release(text.lines, text.heading, url=url, fetched_at=fetched_at)
    if kind == "consultation":
        return read_consultation(text.lines, text.heading, url=url, fetched_at=fetched_at)
    if kind == "news":
        return read_news(text.lines, text.heading, url=url, fetched_at=fetched_at)
    return PageReading(kind, None, (), "")
