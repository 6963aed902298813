"""A fake SECAS website: a threaded HTTP server on a free port, reached by the real sync client.

Pages are written in our own words and markup, in the layouts the real site has used (labelled
fields; the older two-column table; a heading without a reference). It serves robots.txt, a
sitemap index and sitemaps with lastmod, ETag/Last-Modified with 304s, scripted answers (429/503
with Retry-After), redirects in and off the host, and pages tests can change while it runs.
"""

from __future__ import annotations

import hashlib
import html
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@dataclass
class FakePage:
    body: str
    modified: datetime
    status: int = 200
    in_sitemap: bool = True
    content_type: str = "text/html; charset=utf-8"

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body.encode()).hexdigest()[:16] + '"'


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class FakeSecasSite:
    pages: dict[str, FakePage] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    scripted: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    robots_extra: str = "Disallow: /wp-admin/\n"
    robots_status: int = 200
    sitemap_lastmod: bool = True  # False: a sitemap without <lastmod> (every page costs a 304)
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    # -- running -----------------------------------------------------------------------------

    def start(self) -> FakeSecasSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                site.answer(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    # -- changing it -------------------------------------------------------------------------

    def set_page(self, path: str, body: str, *, at: datetime | None = None, **kw: Any) -> None:
        with self.lock:
            old = self.pages.get(path)
            when = at or ((old.modified + timedelta(hours=1)) if old else T0)
            self.pages[path] = FakePage(body, when, **kw)

    def script(self, path: str, answers: Iterable[tuple[int, dict[str, str]]]) -> None:
        """The next requests for path get these answers, one each, before the page again."""
        with self.lock:
            self.scripted.setdefault(path, []).extend(answers)

    def requests_for(self, path: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.path == path]

    def clear_seen(self) -> None:
        with self.lock:
            self.seen.clear()

    # -- answering ---------------------------------------------------------------------------

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self.lock:
            queue = self.scripted.get(path)
            scripted = queue.pop(0) if queue else None
            page = self._page(path)
        if scripted is not None:
            status, extra = scripted
            self._send(request, path, headers, status, b"<h1>Service unavailable</h1>", extra)
        elif path in self.redirects:
            self._send(request, path, headers, 301, b"", {"Location": self.redirects[path]})
        elif page is None:
            self._send(request, path, headers, 404, b"<h1>Page not found</h1>", {})
        elif page.status != 200:
            self._send(request, path, headers, page.status, page.body.encode(), {})
        elif self._unchanged(page, headers):
            self._send(request, path, headers, 304, b"", {"ETag": page.etag})
        else:
            extra = {
                "ETag": page.etag,
                "Last-Modified": format_datetime(page.modified, usegmt=True),
                "Content-Type": page.content_type,
            }
            self._send(request, path, headers, 200, page.body.encode(), extra)

    def _unchanged(self, page: FakePage, headers: dict[str, str]) -> bool:
        if "if-none-match" in headers:
            return headers["if-none-match"] == page.etag
        since = headers.get("if-modified-since")
        if since:
            try:
                return page.modified.replace(microsecond=0) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _send(
        self,
        request: BaseHTTPRequestHandler,
        path: str,
        headers: dict[str, str],
        status: int,
        body: bytes,
        extra: dict[str, str],
    ) -> None:
        with self.lock:
            self.seen.append(Seen("GET", path, headers, status))
        request.send_response(status)
        for name, value in extra.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def _page(self, path: str) -> FakePage | None:
        if path == "/robots.txt":
            text = f"User-agent: *\n{self.robots_extra}\nSitemap: {self.url}sitemap_index.xml\n"
            return FakePage(text, T0, status=self.robots_status, content_type="text/plain")
        if path == "/sitemap_index.xml":
            return FakePage(self._index(), T0, content_type="application/xml")
        if path in ("/page-sitemap.xml", "/modifications-sitemap.xml"):
            mods = path.startswith("/modifications")
            return FakePage(self._urlset(mods), T0, content_type="application/xml")
        return self.pages.get(path)

    def _index(self) -> str:
        items = "".join(
            f"<sitemap><loc>{self.url}{name}</loc></sitemap>"
            for name in ("page-sitemap.xml", "modifications-sitemap.xml")
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}'
            "</sitemapindex>"
        )

    def _urlset(self, modifications: bool) -> str:
        rows = []
        for path, page in sorted(self.pages.items()):
            if page.in_sitemap and path.startswith("/modifications/") == modifications:
                stamp = page.modified.isoformat()
                lastmod = f"<lastmod>{stamp}</lastmod>" if self.sitemap_lastmod else ""
                rows.append(f"<url><loc>{self.url}{path.lstrip('/')}</loc>{lastmod}</url>")
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{"".join(rows)}</urlset>'
        )


# -- page markup, in two layouts ---------------------------------------------------------------


def _frame(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en-GB'><head><title>{html.escape(title)} - SEC</title>"
        "<script>var tracking = Date.now();</script></head><body>"
        "<header><a href='/'>Home</a></header>"
        "<nav><ul><li><a href='/modifications/'>Modifications</a></li>"
        "<li><a href='/sec-releases/'>Releases</a></li></ul></nav>"
        f"<main>{body}</main>"
        "<footer><p>Copyright Smart Energy Code Company.</p></footer></body></html>"
    )


def modification_page(
    heading: str,
    *,
    proposer: str = "",
    analyst: str = "",
    raised: str = "",
    stage: str | None = None,
    implementation: str = "",
    latest: str = "",
    timeline: Iterable[tuple[str, str]] = (),
    layout: str = "fields",
) -> str:
    """A modification page; layout "fields" (labels over values) or "table" (the older one)."""
    fields = [("Proposer", proposer), ("Lead Analyst", analyst), ("Date raised", raised)]
    if stage is not None:
        fields.append(("Stage", stage))
    fields += [("Implementation date", implementation), ("Latest update", latest)]
    fields = [(label, value) for label, value in fields if value]
    if layout == "table":
        rows = "".join(
            f"<tr><td><strong>{label}</strong></td><td>{html.escape(value)}</td></tr>"
            for label, value in fields
        )
        facts = f"<table class='t1'><tbody>{rows}</tbody></table>"
    else:
        facts = "".join(
            f"<div class='x-meta'><h4>{label}</h4><p>{html.escape(value)}</p></div>"
            for label, value in fields
        )
    steps = "".join(f"<li><span>{when}</span> {html.escape(what)}</li>" for when, what in timeline)
    body = (
        f"<h1>{html.escape(heading)}</h1>{facts}"
        "<h2>What is the issue?</h2><p>Parties have found that the current rules leave a gap.</p>"
        "<h2>What is the solution?</h2><p>Change the relevant Section so the gap is closed.</p>"
        f"<h2>Timeline</h2><ul>{steps}</ul>"
        "<h2>Modification documents</h2><ul><li><a href='/download/doc.pdf'>Proposal</a></li></ul>"
    )
    return _frame(heading, body)


def release_page(name: str, sentence: str, lines: Iterable[str], notes: Iterable[str] = ()) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    extra = "".join(f"<p>{html.escape(note)}</p>" for note in notes)
    body = (
        f"<h1>{name} SEC Release</h1><p>{html.escape(sentence)}</p>"
        f"<h3>Scope</h3><ul>{items}</ul>{extra}"
    )
    return _frame(f"{name} SEC Release", body)


def link_page(heading: str, links: Iterable[str]) -> str:
    items = "".join(f"<li><a href='{href}'>{href}</a></li>" for href in links)
    return _frame(heading, f"<h1>{heading}</h1><ul>{items}</ul>")


MAINTENANCE = _frame(
    "Briefly unavailable",
    "<h1>Briefly unavailable for scheduled maintenance</h1><p>Check back in a minute.</p>",
)


# -- ready-made sites --------------------------------------------------------------------------

MP159 = "/modifications/credit-cover-review/"
MP104 = "/modifications/security-improvements/"
MP121 = "/modifications/commissioning-non-commissioned-devices-after-cos/"
DP190 = "/modifications/improving-registration-data-flows/"
JUNE_2022 = "/june-2022-sec-release/"
NOV_2026 = "/november-2026-sec-release/"
CONSULTATION = "/consultations/section-h-review-consultation/"


def small_site() -> FakeSecasSite:
    """A handful of pages in every layout; the modifications match ones in the sample data."""
    site = FakeSecasSite()
    site.set_page(
        MP159,
        modification_page(
            "MP159 Credit Cover Review",
            proposer="Example Energy Ltd",
            analyst="Sam Analyst",
            raised="14/04/2021",
            stage="Implemented",
            implementation="30/06/2022 (Jun 22 SEC Release)",
            latest="This modification was implemented on 30 June 2022 as part of the June 2022 "
            "SEC Release.",
            timeline=[
                ("14 Apr 2021", "Draft Proposal raised"),
                ("03 Aug 2021", "Present to Working Group for discussion"),
                ("19 Jan 2022", "Present to Change Board"),
            ],
        ),
    )
    site.set_page(
        MP104,
        modification_page(
            "MP104 Security Improvements",
            proposer="A Network Operator plc",
            analyst="Jo Analyst",
            raised="02/03/2020",
            stage="Pending Implementation",
            implementation="Targeted for Nov 26 SEC Release",
            latest="On 26 May 2021, the Change Board voted to approve this modification.",
            layout="table",
        ),
    )
    site.set_page(
        MP121,
        modification_page(
            "Commissioning non-commissioned Devices after CoS",
            proposer="A Supplier Ltd",
            raised="11/09/2020",
            implementation="N/A",
            latest="The Modification Proposal was withdrawn by the Proposer on 9 June 2021.",
        ),
    )
    site.set_page(
        DP190,
        modification_page(
            "DP190 Improving registration data flows",
            proposer="Another Supplier Ltd",
            analyst="Sam Analyst",
            raised="05/10/2026",
            stage="Development Stage",
            implementation="Unknown",
            latest="The Proposer is developing the solution with SECAS.",
            timeline=[
                ("05 Oct 2026", "Draft Proposal raised"),
                ("13 Jan 2027", "Present to Working Group"),
            ],
        ),
    )
    site.set_page(
        JUNE_2022,
        release_page(
            "June 2022",
            "The June 2022 SEC Release went live on 30 June 2022.",
            ["MP159 'Credit Cover Review' – Implemented"],
            ["The scope was baselined by the Panel on 14 January 2022."],
        ),
    )
    site.set_page(
        NOV_2026,
        release_page(
            "November 2026",
            "The November 2026 SEC Release is due to go live on 5 November 2026.",
            ["MP104 'Security Improvements' – Targeted"],
        ),
    )
    site.set_page(
        CONSULTATION,
        _frame(
            "Section H review consultation",
            "<h1>Section H review consultation</h1>"
            "<p>This consultation closes on 18 December 2026 at 17:00.</p>",
        ),
    )
    site.set_page(
        "/modifications/",
        link_page(
            "Modifications",
            [MP159, MP104, MP121, DP190, "/modifications/mp104/", "/modifications/moved-away/"],
        ),
        in_sitemap=False,
    )
    site.set_page(
        "/",
        link_page(
            "Smart Energy Code",
            ["/modifications/", JUNE_2022, NOV_2026, CONSULTATION, "https://elsewhere.example/"],
        ),
    )
    site.redirects["/modifications/mp104/"] = MP104
    site.redirects["/modifications/moved-away/"] = "https://elsewhere.example/modifications/x/"
    return site


def generated_site(pages: int) -> FakeSecasSite:
    """A site of ``pages`` modification pages (MP1000 on) plus a home page and a listing."""
    site = FakeSecasSite()
    paths = []
    for n in range(pages):
        path = f"/modifications/generated-change-{n}/"
        paths.append(path)
        site.set_page(
            path,
            modification_page(
                f"MP{1000 + n} Generated change number {n}",
                proposer=f"Party {n % 17} Ltd",
                analyst="Sam Analyst",
                raised="01/02/2024",
                stage=("Refinement Process", "Report Phase", "Implemented")[n % 3],
                implementation="Targeted for Nov 27 SEC Release",
                latest=f"On {1 + n % 28} March 2026, the Working Group discussed the solution.",
                timeline=[("01 Feb 2024", "Draft Proposal raised")],
                layout=("fields", "table")[n % 2],
            ),
        )
    site.set_page("/modifications/", link_page("Modifications", paths), in_sitemap=False)
    site.set_page("/", link_page("Smart Energy Code", ["/modifications/"]))
    return site
