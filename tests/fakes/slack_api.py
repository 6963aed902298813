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
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.slack_files import FakeFile, file_download, files_info

TEAM_ID = "T0001"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
INSTALLED_TOKEN = "xoxb-installed-0001"
# Arguments that slack_sdk sends as JSON strings inside form bodies.
_JSON_ARGS = ("blocks", "view", "unfurls", "metadata", "attachments")


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


@dataclass
class _State:
    files: dict[str, FakeFile] = field(default_factory=dict)
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    scripts: dict[str, list[Script]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    users_by_email: dict[str, str] = field(default_factory=dict)
    counter: int = 0


class FakeSlack:
    """The fake Web API server: start(), use base_url, inspect calls, stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._state = _State()
        self._cond = threading.Condition()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
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
    ) -> None:
        """Answer the next ``times`` calls of a method this way."""
        with self._cond:
            queue = self._state.scripts.setdefault(method, [])
            queue.append(Script(error, status, retry_after, delay, times))

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

    def messages(self, channel: str) -> list[dict[str, Any]]:
        with self._cond:
            return list(self._state.messages.get(channel, []))

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
            return builder(self._state, args) if builder else {"ok": True}

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
            headers = {k.lower(): v for k, v in self.headers.items()}
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
            self._reply(method, args, script)

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
    return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}


def _update(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
    for message in state.messages.get(channel, []):
        if message["ts"] == ts:
            message.update({k: args[k] for k in ("text", "blocks", "metadata") if k in args})
    return {"ok": True, "channel": channel, "ts": ts, "text": args.get("text", "")}


def _history(state: _State, args: dict[str, Any]) -> dict[str, Any]:
    with_metadata = _truthy(args.get("include_all_metadata", False))
    limit = int(args.get("limit") or 100)
    newest_first = list(reversed(state.messages.get(str(args.get("channel", "")), [])))
    messages = [
        {k: v for k, v in m.items() if with_metadata or k != "metadata"} for m in newest_first
    ]
    return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}


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


_BUILDERS: dict[str, Callable[[_State, dict[str, Any]], dict[str, Any]]] = {
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
    "users.lookupByEmail": _lookup,
    "oauth.v2.access": _oauth_access,
    "apps.connections.open": lambda s, a: {"ok": True, "url": "ws://127.0.0.1:9/socket"},
}
