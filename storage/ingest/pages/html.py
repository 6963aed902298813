"""A web page as lines of text and links, the way a reader sees it.

Readers look for labels and sentences, never for a theme's CSS classes, so this turns the HTML
into lines: one per block (paragraph, heading, list item, definition term or description), one per
table row with its cells joined by " | ". Scripts, styles, navigation and footers are dropped from
the text (their links are kept for discovery).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html

BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dt",
        "dd",
        "tr",
        "table",
        "ul",
        "ol",
        "dl",
        "blockquote",
        "figure",
        "figcaption",
        "form",
        "fieldset",
        "address",
        "pre",
        "hr",
    ]
)
CELLS = frozenset({"td", "th"})
DROPPED = frozenset({"script", "style", "noscript", "template", "svg", "nav", "footer", "iframe"})
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b]+")
MAX_LINE = 4000


@dataclass(frozen=True)
class PageText:
    """What a page says: its main heading, its <title>, its lines and its links (raw hrefs)."""

    heading: str
    title: str
    lines: tuple[str, ...]
    links: tuple[str, ...]


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _walk(node: etree._Element, out: list[str]) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in DROPPED:
        if node.tail:
            out.append(node.tail)
        return
    block = tag in BLOCKS
    if block:
        out.append("\n")
    if tag == "br":
        out.append("\n")
    if node.text and tag:
        out.append(node.text)
    for child in node:
        _walk(child, out)
    if tag in CELLS:
        out.append(" | ")
    if block:
        out.append("\n")
    if node.tail:
        out.append(node.tail)


def read_html(markup: str | bytes) -> PageText:
    """Parse a page (lxml's forgiving HTML parser; never raises on bad markup)."""
    if isinstance(markup, str):
        markup = markup.encode("utf-8", "replace")
    if not markup.strip():
        return PageText("", "", (), ())
    try:
        root = html.fromstring(markup)
    except (etree.ParserError, ValueError):
        return PageText("", "", (), ())
    links = tuple(str(href) for href in root.xpath("//a/@href"))
    title = _clean("".join(root.xpath("//title//text()")))
    headings = root.xpath("//h1")
    heading = _clean(headings[0].text_content()) if headings else ""
    body = root.find("body")
    chunks: list[str] = []
    _walk(body if body is not None else root, chunks)
    lines = []
    for raw in "".join(chunks).split("\n"):
        line = _clean(raw).strip("| ").strip()
        if line:
            lines.append(line[:MAX_LINE])
    return PageText(heading, title, tuple(lines), links)
