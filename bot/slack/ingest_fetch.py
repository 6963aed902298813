"""Fetching a paper an administrator points secbot at, within limits.

- A Slack file: ``files.info`` for its name, size and ``url_private``, then a GET of that URL
  with ``Authorization: Bearer <bot token>``. The token is only ever sent to Slack's own hosts
  (or to the SLACK_API_BASE_URL host, for GovSlack and the tests) and never across a redirect.
- A web address: only under ``https://smartenergycodecompany.co.uk/`` (plus any prefixes in
  SECBOT_INGEST_EXTRA_URLS, for a test server); redirects are followed only to allowed places.

Downloads stop at SECBOT_INGEST_MAX_BYTES (20 MB by default) and at a deadline for the whole
download (DOWNLOAD_DEADLINE_SECONDS), not only per read: a server dripping a byte a second is cut
off at the deadline. Every refusal is a ``FetchRefused`` whose message is written for the person
who asked.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPMessage
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.settings import SEC_WEBSITE  # the limits are settings.ingest

TIMEOUT_SECONDS = 10  # per connect and per read
DOWNLOAD_DEADLINE_SECONDS = 60.0  # the whole download
_CHUNK = 64 * 1024
_SLACK_LINK = re.compile(r"/files(?:-pri)?/(?:[A-Z0-9]+-|[^/]+/)?(F[A-Z0-9]{6,})(?:/|$)")
_FILE_ID = re.compile(r"^F[A-Z0-9]{6,}$")
_SUFFIXES = {
    "application/pdf": ".pdf",
    "text/html": ".html",
    "text/plain": ".txt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


class FetchRefused(Exception):
    """The paper cannot be fetched; the message says why, for the person who asked."""


@dataclass(frozen=True)
class Fetched:
    name: str  # the file name, whose suffix helps the readers
    data: bytes
    source: str  # a Slack permalink or the URL: kept as the document's provenance


# -- what was asked for -------------------------------------------------------------------


def link_in(text: str) -> str:
    """The first word of a command's argument, unwrapped from Slack's ``<url|label>``."""
    words = text.split()
    if not words:
        return ""
    return words[0].strip("<>").split("|", 1)[0]


def slack_file_id(link: str) -> str | None:
    """The file id in a Slack file link (permalink or url_private), or a bare ``F…`` id."""
    if _FILE_ID.match(link):
        return link
    parts = urlsplit(link)
    if parts.scheme != "https" or not _is_slack_host(parts.hostname or ""):
        return None
    found = _SLACK_LINK.search(parts.path)
    return found.group(1) if found else None


def is_allowed_url(url: str, prefixes: tuple[str, ...]) -> bool:
    """True when the URL is under one of the prefixes (same scheme, host, port; path below)."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        return False
    for prefix in prefixes:
        allowed = urlsplit(prefix)
        if (parts.scheme, parts.netloc.lower()) == (allowed.scheme, allowed.netloc.lower()) and (
            parts.path or "/"
        ).startswith(allowed.path or "/"):
            return True
    return False


def _is_slack_host(host: str) -> bool:
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in ("slack.com", "slack-gov.com"))


# -- Slack files --------------------------------------------------------------------------


def fetch_slack_file(
    client: WebClient, file_id: str, *, max_bytes: int, api_base_url: str | None
) -> Fetched:
    """A Slack file's bytes, through files.info and its url_private."""
    try:
        info: dict[str, Any] = client.files_info(file=file_id)["file"]
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "error")
        raise FetchRefused(_files_info_problem(error)) from None
    name = str(info.get("name") or info.get("title") or file_id)
    if int(info.get("size") or 0) > max_bytes:
        raise FetchRefused(
            f"{name} is {_mb(int(info['size']))}; I read papers up to {_mb(max_bytes)}"
        )
    url = str(info.get("url_private_download") or info.get("url_private") or "")

    def token_may_go_to(target: str) -> bool:
        parts = urlsplit(target)
        if parts.scheme == "https" and _is_slack_host(parts.hostname or ""):
            return True
        base = urlsplit(api_base_url or "")
        return bool(base.netloc) and (parts.scheme, parts.netloc) == (base.scheme, base.netloc)

    if not url or not token_may_go_to(url) or not client.token:
        raise FetchRefused(f"Slack gave me no address I can download {name} from")
    data, ctype = download(url, token=client.token, max_bytes=max_bytes, allow=token_may_go_to)
    if ctype == "text/html" and str(info.get("filetype") or "") != "html":
        raise FetchRefused(
            f"Slack sent a sign-in page instead of {name}: the app needs the files:read scope "
            "(add it and reinstall the app)"
        )
    return Fetched(name=name, data=data, source=str(info.get("permalink") or f"slack:{file_id}"))


def share_ts(client: WebClient, file_id: str, channel: str) -> str | None:
    """The ts of the message that shared a file in a channel (newest), if Slack says."""
    try:
        shares = client.files_info(file=file_id)["file"].get("shares") or {}
    except SlackApiError:
        return None
    found = [
        s.get("ts")
        for kind in ("private", "public")
        for s in (shares.get(kind) or {}).get(channel, [])
    ]
    stamps = sorted(str(ts) for ts in found if ts)
    return stamps[-1] if stamps else None


def _files_info_problem(error: str) -> str:
    if error == "missing_scope":
        return "I may not read files yet: the app needs the files:read scope (ask whoever runs it)"
    if error in ("file_not_found", "file_deleted"):
        return f"I cannot see that file ({error}): send it to me in a direct message instead"
    return f"Slack would not tell me about that file ({error})"


# -- web addresses ------------------------------------------------------------------------


def fetch_url(url: str, *, prefixes: tuple[str, ...], max_bytes: int) -> Fetched:
    """A paper or page from an allowed web address."""
    if not is_allowed_url(url, prefixes):
        raise FetchRefused(
            f"I only fetch papers from {SEC_WEBSITE}…; for anything else, send me the file"
        )
    data, ctype = download(
        url, token=None, max_bytes=max_bytes, allow=lambda target: is_allowed_url(target, prefixes)
    )
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) or "page"
    if "." not in name[-6:] and ctype in _SUFFIXES:
        name += _SUFFIXES[ctype]
    return Fetched(name=name, data=data, source=url)


# -- the download itself ------------------------------------------------------------------


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an allowed address (the token never follows: unredirected)."""

    def __init__(self, allow: Callable[[str], bool]) -> None:
        self.allow = allow

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not self.allow(newurl):
            raise FetchRefused("the address redirects somewhere I do not fetch from")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def download(
    url: str,
    *,
    token: str | None,
    max_bytes: int,
    allow: Callable[[str], bool],
    deadline_seconds: float = DOWNLOAD_DEADLINE_SECONDS,
) -> tuple[bytes, str]:
    """The body (at most max_bytes, within the deadline) and its content type; FetchRefused on
    any failure."""
    request = urllib.request.Request(url, headers={"User-Agent": "secbot"})
    if token:
        request.add_unredirected_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(_Redirects(allow))
    give_up_at = time.monotonic() + deadline_seconds
    try:
        timeout = min(TIMEOUT_SECONDS, deadline_seconds)
        with opener.open(request, timeout=timeout) as response:
            declared = str(response.headers.get("Content-Length") or "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchRefused(
                    f"the file is {_mb(int(declared))}; I read papers up to {_mb(max_bytes)}"
                )
            data = _read_until(response, max_bytes + 1, give_up_at, deadline_seconds)
            ctype = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise FetchRefused(f"the download failed (HTTP {exc.code})") from None
    except (urllib.error.URLError, OSError) as exc:
        raise FetchRefused(f"the download failed ({type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise FetchRefused(f"the file is over {_mb(max_bytes)}, the most I read")
    return data, ctype


def _read_until(response: IO[bytes], limit: int, give_up_at: float, deadline: float) -> bytes:
    """Read up to ``limit`` bytes in chunks, stopping at the deadline however slow the server."""
    chunks: list[bytes] = []
    received = 0
    while received < limit:
        if time.monotonic() > give_up_at:
            raise FetchRefused(
                f"the download took longer than {deadline:.0f} seconds (the server is sending very "
                "slowly); try again later or send me the file"
            )
        chunk = response.read1(min(_CHUNK, limit - received))  # type: ignore[attr-defined]
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
