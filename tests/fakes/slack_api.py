"""A local HTTP server that speaks enough of the Slack Web API for our tests.

Point the real ``slack_sdk`` WebClient at ``FakeSlack.base_url`` (it ends with "/api/"). Every
request is recorded (method, headers, raw body, decoded arguments); answers are plausible
``ok: true`` payloads, or what a test scripted for a method: an ``ok: false`` error, HTTP 429 with
Retry-After, HTTP 500, or a slow answer. ``response_url`` POSTs (slash commands, actions) land
here too, recorded under the method name "response_url".

Files: ``add_file`` makes a file that ``files.info`` describes, whose ``url_private`` (on this
server) serves the bytes only with ``Authorization: Bearer <its token>``; like Slack, anything
else gets a sign-in page (HTML, status 200). Downloads are recorded as "file_download". Plain web
pages for other fetches are served with ``serve`` under ``/web/`` ("web_download").

Pacing and faults (tests/fakes/slack_faults.py): ``FakeSlack(pace=1.0)`` refuses a second post
to a channel within a second with 429, and ``chaos=Chaos(...)`` adds seeded 429s, 500s, slow
answers and dropped connections; then message ts are epoch times, as Slack's are, and
conversations.history honours ``oldest`` and ``cursor``. ``stats()`` (or ``GET /stats``) counts
posts by outcome and every (channel, metadata key) with how many copies Slack holds. The fault
drills and the fan-out benchmark use it; ``python -m tests.fakes.slack_api --pace 1.0`` prints
``READY <base url>`` and serves until its stdin closes.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.slack_faults import Chaos, PostFaults
from tests.fakes.slack_files import FakeFile, file_download, files_info

TEAM_ID = "T0001"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
INSTALLED_TOKEN = "xoxb-installed-0001"
# Arguments that slack_sdk sends as JSON strings inside form bodies.
_JSON_ARGS = ("blocks", "view", "unfurls", "metadata", "attachments", "prompts", "loading_messages")


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    args: dict[str, Any]

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:]
        token = self.args.get("token")
        return str(token) if token else None

    @property
    def text(self) -> str:
        """The raw body as text (what Slack would have received)."""
        return self.body.decode("utf-8", "replace")


@dataclass
class Script:
    """How to answer the next call(s) of a method instead of the plausible default."""

    error: str | None = None
    status: int = 200
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    # Seconds to wait after acting (the message is stored) before replying: a worker killed
    # meanwhile has been accepted by Slack without knowing it.
    hold: float = 0.0


@dataclass
class _State:
    files: dict[str, FakeFile] = field(default_factory=dict)
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    scripts: dict[str, list[Script]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    users_by_email: dict[str, str] = field(default_factory=dict)
    # OAuth: code -> the install it grants; refresh token -> (team, next access token).
    installs: dict[str, Install] = field(default_factory=dict)
    refreshes: dict[str, Install] = field(default_factory=dict)
    counter: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    copies: Counter[tuple[str, str]] = field(default_factory=Counter)
    epoch_ts: bool = False  # paced or faulty: ts are epoch times, as Slack's
    last_ts: float = 0.0
    # Canvases: id -> {"channel_id", "title", "markdown", "edits"}; one channel canvas a channel.
    canvases: dict[str, dict[str, Any]] = field(default_factory=dict)
    channel_canvases: dict[str, str] = field(default_factory=dict)
    pins: dict[str, list[str]] = field(default_factory=dict)  # channel -> pinned ts


@dataclass
class Install:
    """What oauth.v2.access grants for one code (``add_install``). With ``rotate``, the bot token
    expires in ``expires_in`` seconds and a refresh token (grant_type=refresh_token) gives the next
    one, ``<token>-r1``, ``-r2``..."""

    team_id: str
    token: str
    installer: str = "UINSTALLER"
    enterprise_id: str | None = None
    is_enterprise_install: bool = False
    rotate: bool = False
    expires_in: int = 43200
    rotations: int = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # a fan-out opens many connections at once (the default is 5)


class FakeSlack:
    """The fake Web API server: start(), use base_url, inspect calls, stop()."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        pace: float | None = None,
        chaos: Chaos | None = None,
    ) -> None:
        paced = pace is not None or chaos is not None
        self.faults = PostFaults(pace or 0.0, chaos or Chaos()) if paced else None
        self._state = _State(epoch_ts=paced)
        self._cond = threading.Condition()
        self._server = _Server((host, port), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, tag: str = "cmd") -> str:
        return f"http://127.0.0.1:{self.port}/response/{tag}"

    # -- scripting and inspection ---------------------------------------------------------

    def script(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
        hold: float = 0.0,
    ) -> None:
        """Answer the next ``times`` calls of a method this way."""
        with self._cond:
            queue = self._state.scripts.setdefault(method, [])
            queue.append(Script(error, status, retry_after, delay, times, hold))

    def add_file(self, file: FakeFile) -> FakeFile:
        """A file that files.info knows and url_private serves (to its token only)."""
        with self._cond:
            self._state.files[file.id] = file
        return file

    def file_url(self, file: FakeFile) -> str:
        return f"http://127.0.0.1:{self.port}/files-pri/{TEAM_ID}-{file.id}/{file.name}"

    def serve(self, path: str, data: bytes, content_type: str = "text/plain") -> str:
        """Serve bytes at /web/<path> to anyone; returns the URL."""
        with self._cond:
            self._state.pages[path.lstrip("/")] = (data, content_type)
        return self.web_url(path)

    def web_url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/web/{path.lstrip('/')}"

    def add_install(self, code: str, install: Install) -> Install:
        """Make oauth.v2.access answer this code with this workspace's install."""
        with self._cond:
            self._state.installs[code] = install
        return install

    def add_user(self, email: str, user_id: str) -> None:
        with self._cond:
            self._state.users_by_email[email.lower()] = user_id

    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._state.calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` calls of a method arrived; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self._state.calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({c.method for c in self._state.calls})
                    raise AssertionError(f"no {count}x {method} within {timeout}s; saw {seen}")
                self._cond.wait(remaining)

    def wait_for_messages(
        self, channel: str, count: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Block until the channel holds ``count`` messages; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(held := self._state.messages.get(channel, [])) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{channel} holds {len(held)} messages, not {count}")
                self._cond.wait(remaining)
            return list(held)

    def canvas(self, canvas_id: str) -> dict[str, Any]:
        """A canvas as created and edited: channel_id, title, markdown, edits (count)."""
        with self._cond:
            return dict(self._state.canvases[canvas_id])

    def pinned(self, channel: str) -> list[str]:
        with self._cond:
            return list(self._state.pins.get(channel, []))

    def messages(self, channel: str) -> list[dict[str, Any]]:
        with self._cond:
            return list(self._state.messages.get(channel, []))

    def stats(self) -> dict[str, Any]:
        """Posts by outcome (posts, accepted, rate_limited, each fault, history, response_url)
        and [channel, metadata key, copies held] for every message Slack holds."""
        with self._cond:
            return {
                "counts": dict(self._state.counts),
                "copies": [[c, k, n] for (c, k), n in self._state.copies.items()],
            }

    def _faulty_post(self, args: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
        """(status, body, fault) for a paced or faulty chat.postMessage."""
        assert self.faults is not None
        with self._cond:
            counts = self._state.counts
            counts["posts"] += 1
            fault, stored = self.faults.decide(str(args.get("channel", "")))
            if not stored:
                counts[fault] += 1
                status, body = PostFaults.refusal(fault)
                return status, body, fault
            self._state.counter += 1
            answer = _post_message(self._state, args)
            self._cond.notify_all()
            counts["accepted"] += 1
            if fault != "ok":
                counts[fault] += 1
            if fault == "error_after_accept":
                return 500, {"ok": False, "error": "internal_error"}, fault
            return 200, answer, fault

    # -- used by the request handler ------------------------------------------------------

    def _record(self, call: Call) -> Script | None:
        with self._cond:
            self._state.calls.append(call)
            self._cond.notify_all()
            queue = self._state.scripts.get(call.method)
            if not queue:
                return None
            script = queue[0]
            script.times -= 1
            if script.times <= 0:
                queue.pop(0)
            return script

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "files.info":
            return self._files_info(args)
        builder = _BUILDERS.get(method)
        with self._cond:
            self._state.counter += 1
            answer = builder(self._state, args) if builder else {"ok": True}
            self._cond.notify_all()  # wait_for_messages
            return answer

    def _files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            file = self._state.files.get(str(args.get("file", "")))
        return files_info(file, self.file_url(file) if file else "")

    def _download(self, kind: str, path: str, token: str | None) -> tuple[int, bytes, str]:
        """Status, body and content type for a GET of a file or web page."""
        with self._cond:
            if kind == "web":
                data, ctype = self._state.pages.get(path[len("/web/") :], (b"", ""))
                return (200, data, ctype) if ctype else (404, b"not found", "text/plain")
            file = self._state.files.get(path.split("/")[2].rsplit("-", 1)[-1])
        return file_download(file, token)


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def _handle(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if len(body) < length:  # the client died mid-request: Slack never saw a whole one
                self.close_connection = True
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            if split.path == "/stats":
                self._send(200, json.dumps(fake.stats()).encode(), "application/json")
                return
            if split.path.startswith(("/files-pri/", "/web/")):
                self._serve_download(split.path, headers, body)
                return
            if split.path.startswith("/response/"):
                method = "response_url"
            elif split.path.startswith("/api/"):
                method = split.path[len("/api/") :]
            else:
                self._send(404, b"not found", "text/plain")
                return
            args = _decode_args(split.query, body, headers.get("content-type", ""))
            script = fake._record(Call(method, split.path, headers, body, args))
            counted = {"conversations.history": "history", "response_url": "response_url"}
            if method in counted:
                with fake._cond:
                    fake._state.counts[counted[method]] += 1
            if method == "chat.postMessage" and fake.faults is not None and script is None:
                self._faulty_reply(args)
                return
            self._reply(method, args, script)

        def _faulty_reply(self, args: dict[str, Any]) -> None:
            status, payload, fault = fake._faulty_post(args)
            if fault == "dropped":  # no answer at all: the client sees a reset connection
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault == "slow" and fake.faults is not None:
                time.sleep(fake.faults.chaos.slow_seconds)
            extra = {"Retry-After": "1"} if status == 429 else {}
            self._send(status, json.dumps(payload).encode(), "application/json", extra)

        def _serve_download(self, path: str, headers: dict[str, str], body: bytes) -> None:
            kind = "web" if path.startswith("/web/") else "file"
            call = Call(f"{kind}_download", path, headers, body, {})
            script = fake._record(call)
            if script is not None and script.status != 200:
                self._send(script.status, b"failed", "text/plain")
                return
            status, data, ctype = fake._download(kind, path, call.token)
            self._send(status, data, ctype)

        def _reply(self, method: str, args: dict[str, Any], script: Script | None) -> None:
            if script is not None and script.delay:
                time.sleep(script.delay)
            if script is not None and script.status != 200:
                extra = {"Retry-After": str(script.retry_after)} if script.retry_after else {}
                payload = {
                    "ok": False,
                    "error": "ratelimited" if script.status == 429 else "internal_error",
                }
                self._send(script.status, json.dumps(payload).encode(), "application/json", extra)
                return
            if method == "response_url":
                self._send(200, b"ok", "text/plain")
                return
            if script is not None and script.error:
                payload = {"ok": False, "error": script.error}
            else:
                payload = fake._answer(method, args)
            if script is not None and script.hold:
                time.sleep(script.hold)
            self._send(200, json.dumps(payload).encode(), "application/json")

        def _send(
            self, status: int, data: bytes, ctype: str, extra: dict[str, str] | None = None
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self.close_connection = True

    return Handler


def _decode_args(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Query, form and JSON arguments merged; JSON strings inside forms decoded."""
    args: dict[str, Any] = dict(parse_qsl(query))
    text = body.decode("utf-8", "replace")
    if "json" in content_type and text:
        args.update(json.loads(text))
    elif text:
        args.update(parse_qsl(text, keep_blank_values=True))
    for key in _JSON_ARGS:
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):  # not JSON after all: keep the string
                args[key] = json.loads(args[key])
    return args


def _truthy(value: Any) -> bool:
    return str(value).lower() in {"1", "true"}


def _ts(state: _State) -> str:
    if state.epoch_ts:  # the epoch time of the post, unique per channel, as Slack's
        state.last_ts = max(time.time(), state.last_ts + 0.000001)
        return f"{state.last_ts:.6f}"
    return f"{1700000000 + state.counter}.{state.counter:06d}"


def _post_message(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    channel = str(args.get("channel", ""))
    message: dict[str, Any] = {
        "type": "message",
        "ts": _ts(state),
        "text": args.get("text", ""),
        "bot_id": BOT_ID,
        "user": BOT_USER_ID,
    }
    for key in ("blocks", "metadata", "thread_ts"):
        if key in args:
            message[key] = args[key]
    state.messages.setdefault(channel, []).append(message)
    metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
    state.copies[(channel, str((metadata.get("event_payload") or {}).get("key", "")))] += 1
    return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}


def _update(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
    for message in state.messages.get(channel, []):
        if message["ts"] == ts:
            message.update({k: args[k] for k in ("text", "blocks", "metadata") if k in args})
    return {"ok": True, "channel": channel, "ts": ts, "text": args.get("text", "")}


def _history(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    with_metadata = _truthy(args.get("include_all_metadata", False))
    limit, start = int(args.get("limit") or 100), int(args.get("cursor") or 0)
    # Counter ts (the default) are not times, so only epoch ts honour "oldest".
    oldest = float(args.get("oldest") or 0) if state.epoch_ts else 0.0
    newest_first = [
        m
        for m in reversed(state.messages.get(str(args.get("channel", "")), []))
        if m.get("thread_ts") in (None, m["ts"])  # as in Slack: thread replies are not listed
        and float(m["ts"]) >= oldest
    ]
    messages = [
        {k: v for k, v in m.items() if with_metadata or k != "metadata"}
        for m in newest_first[start : start + limit]
    ]
    more = start + limit < len(newest_first)
    return {
        "ok": True,
        "messages": messages,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _replies(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    """A thread: its parent, then its replies, oldest first (as Slack lists them)."""
    with_metadata = _truthy(args.get("include_all_metadata", False))
    parent = str(args.get("ts", ""))
    thread = [
        {k: v for k, v in m.items() if with_metadata or k != "metadata"}
        for m in state.messages.get(str(args.get("channel", "")), [])
        if m["ts"] == parent or m.get("thread_ts") == parent
    ]
    if not thread:
        return {"ok": False, "error": "thread_not_found"}
    return {"ok": True, "messages": thread, "has_more": False}


def _view(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    view = args.get("view") if isinstance(args.get("view"), dict) else {}
    return {"ok": True, "view": {**view, "id": f"V{state.counter:06d}"}}


def _lookup(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    email = str(args.get("email", "")).lower()
    user_id = state.users_by_email.get(email)
    if user_id is None:
        return {"ok": False, "error": "users_not_found"}
    return {
        "ok": True,
        "user": {"id": user_id, "name": email.split("@")[0], "profile": {"email": email}},
    }


def _open(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    first = str(args.get("users", "U0")).split(",")[0]
    return {"ok": True, "channel": {"id": "D" + first.lstrip("U")}}


def _auth_test(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        "url": "https://test.slack.com/",
        "team": "Test",
        "user": "secbot",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def _oauth_access(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    if args.get("grant_type") == "refresh_token":
        return _refresh(state, str(args.get("refresh_token", "")))
    install = state.installs.get(str(args.get("code", "")))
    if install is not None:
        return _granted(state, install, install.token)
    return {
        "ok": True,
        "app_id": "A0001",
        "access_token": INSTALLED_TOKEN,
        "token_type": "bot",
        "scope": "commands,chat:write",
        "bot_user_id": BOT_USER_ID,
        "team": {"id": TEAM_ID, "name": "Test"},
        "enterprise": None,
        "authed_user": {"id": "UINSTALLER"},
        "is_enterprise_install": False,
    }


def _granted(state: _State, install: Install, token: str) -> dict[str, Any]:
    team = None if install.is_enterprise_install else {"id": install.team_id, "name": "Test"}
    enterprise = {"id": install.enterprise_id, "name": "Org"} if install.enterprise_id else None
    granted: dict[str, Any] = {
        "ok": True,
        "app_id": "A0001",
        "access_token": token,
        "token_type": "bot",
        "scope": "commands,chat:write",
        "bot_user_id": BOT_USER_ID,
        "team": team,
        "enterprise": enterprise,
        "authed_user": {"id": install.installer},
        "is_enterprise_install": install.is_enterprise_install,
    }
    if install.rotate:
        refresh = f"xoxe-1-{token}"
        state.refreshes[refresh] = install
        granted.update(refresh_token=refresh, expires_in=install.expires_in)
    return granted


def _refresh(state: _State, refresh_token: str) -> dict[str, Any]:
    install = state.refreshes.pop(refresh_token, None)
    if install is None:
        return {"ok": False, "error": "invalid_refresh_token"}
    install.rotations += 1
    return _granted(state, install, f"{install.token}-r{install.rotations}")


def _markdown(args: dict[str, Any]) -> str:
    content = args.get("document_content") or {}
    return str(content.get("markdown", "")) if isinstance(content, dict) else ""


def _new_canvas(state: _State, channel: str, args: dict[str, Any]) -> str:
    canvas_id = f"F0CANVAS{len(state.canvases) + 1:03d}"
    state.canvases[canvas_id] = {
        "channel_id": channel,
        "title": args.get("title"),
        "markdown": _markdown(args),
        "edits": 0,
    }
    return canvas_id


def _channel_canvas(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    channel = str(args.get("channel_id", ""))
    if channel in state.channel_canvases:
        return {"ok": False, "error": "channel_canvas_already_exists"}
    state.channel_canvases[channel] = _new_canvas(state, channel, args)
    return {"ok": True, "canvas_id": state.channel_canvases[channel]}


def _canvas_edit(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    canvas = state.canvases.get(str(args.get("canvas_id", "")))
    if canvas is None:
        return {"ok": False, "error": "canvas_not_found"}
    for change in args.get("changes") or []:
        if change.get("operation") == "replace" and "section_id" not in change:
            canvas["markdown"] = _markdown(change)
    canvas["edits"] += 1
    return {"ok": True}


def _pin(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    pinned = state.pins.setdefault(str(args.get("channel", "")), [])
    if str(args.get("timestamp")) in pinned:
        return {"ok": False, "error": "already_pinned"}
    pinned.append(str(args.get("timestamp")))
    return {"ok": True}


def _needs(*names: str) -> Callable[[_State, dict[str, Any]], dict[str, Any]]:
    """A method that only checks its required arguments (Slack's invalid_arguments)."""

    def answer(state: _State, args: dict[str, Any]) -> dict[str, Any]:
        missing = [name for name in names if args.get(name) in (None, "", [])]
        return {"ok": False, "error": "invalid_arguments"} if missing else {"ok": True}

    return answer


_BUILDERS: dict[str, Callable[[_State, dict[str, Any]], dict[str, Any]]] = {
    "assistant.threads.setSuggestedPrompts": _needs("channel_id", "prompts"),
    "assistant.threads.setStatus": _needs("channel_id", "thread_ts"),
    "assistant.threads.setTitle": _needs("channel_id", "thread_ts", "title"),
    "entity.presentDetails": _needs("trigger_id"),
    "conversations.canvases.create": _channel_canvas,
    "canvases.create": lambda s, a: {"ok": True, "canvas_id": _new_canvas(s, "", a)},
    "canvases.edit": _canvas_edit,
    "canvases.delete": lambda s, a: {"ok": s.canvases.pop(str(a.get("canvas_id")), 0) != 0},
    "pins.add": _pin,
    "auth.test": _auth_test,
    "chat.postMessage": _post_message,
    "chat.postEphemeral": lambda s, a: {"ok": True, "message_ts": _ts(s)},
    "chat.update": _update,
    "chat.unfurl": lambda s, a: {"ok": True},
    "views.publish": _view,
    "views.open": _view,
    "views.push": _view,
    "conversations.open": _open,
    "conversations.history": _history,
    "conversations.replies": _replies,
    "users.lookupByEmail": _lookup,
    "oauth.v2.access": _oauth_access,
    "apps.connections.open": lambda s, a: {"ok": True, "url": "ws://127.0.0.1:9/socket"},
}


def main(argv: list[str]) -> int:
    """Serve a paced fake in its own process (the fan-out benchmark) until stdin closes."""
    pace = float(argv[argv.index("--pace") + 1]) if "--pace" in argv else 1.0
    fake = FakeSlack(pace=pace).start()
    print(f"READY {fake.base_url}", flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin (or dies)
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
