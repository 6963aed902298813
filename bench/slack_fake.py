"""A fake Slack Web API for fan-out benchmarks and fault drills, on loopback.

- ``chat.postMessage``: stores the message (with its metadata) per channel, and enforces
  per-channel pacing: a post less than ``pace`` seconds (less a small tolerance for clock jitter)
  after the channel's last accepted one gets HTTP 429 with ``Retry-After``, as Slack does.
- ``conversations.history`` (newest first, ``oldest``, ``limit``, cursor), ``conversations.open``
  and ``auth.test``: what the sender needs to find its own messages after a crash.
- Chaos (seeded): 429s, 500s (before or after storing the message), ``ok: false`` errors, answers
  slower than the client's timeout (after storing) and dropped connections (before or after
  storing), each with its own probability.
- ``GET /stats``: counts, and every (channel, metadata key) with how many copies Slack holds.

Run it in-process (``PacedSlack(...).start()``) or as a process:
``python -m bench.slack_fake --pace 1.0`` prints ``READY <port>`` and serves until stdin closes.
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TOLERANCE = 0.05  # seconds of jitter allowed between the sender's clock and ours


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # a fan-out opens many connections at once (the default is 5)


@dataclass(frozen=True)
class Chaos:
    """Probabilities of each fault per chat.postMessage (the rest succeed)."""

    seed: int = 0
    rate_limited: float = 0.0
    server_error: float = 0.0  # 500, the message not stored
    error_after_accept: float = 0.0  # 500, but the message was stored
    not_ok: float = 0.0  # 200 with ok: false, error "internal_error"
    slow: float = 0.0  # stored, then answered after ``slow_seconds``
    dropped: float = 0.0  # connection closed without an answer (stored half of the time)
    slow_seconds: float = 12.0

    def draw(self, rng: random.Random) -> str:
        roll = rng.random()
        for name in (
            "rate_limited",
            "server_error",
            "error_after_accept",
            "not_ok",
            "slow",
            "dropped",
        ):
            chance = float(getattr(self, name))
            if roll < chance:
                return name
            roll -= chance
        return "ok"


@dataclass
class _State:
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    last_post: dict[str, float] = field(default_factory=dict)
    copies: Counter[tuple[str, str]] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    last_ts: float = 0.0


class PacedSlack:
    """The server: start(), base_url, stats(), stop()."""

    def __init__(self, *, pace: float = 1.0, chaos: Chaos | None = None) -> None:
        self.pace, self.chaos = pace, chaos or Chaos()
        self._rng = random.Random(self.chaos.seed)
        self._lock = threading.Lock()
        self._state = _State()
        self._server = _Server(("127.0.0.1", 0), _handler(self))

    def start(self) -> PacedSlack:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "counts": dict(self._state.counts),
                "copies": [[c, k, n] for (c, k), n in self._state.copies.items()],
            }

    # -- the methods --------------------------------------------------------------------

    def post(self, args: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
        """(status, body, fault) for chat.postMessage; the fault tells the handler what to do."""
        channel = str(args.get("channel", ""))
        with self._lock:
            counts = self._state.counts
            counts["posts"] += 1
            fault = self.chaos.draw(self._rng)
            last = self._state.last_post.get(channel)
            now = time.monotonic()
            if fault == "rate_limited" or (last is not None and now - last < self.pace - TOLERANCE):
                counts["rate_limited"] += 1
                return 429, {"ok": False, "error": "ratelimited"}, "rate_limited"
            if fault in ("server_error", "not_ok") or (
                fault == "dropped" and self._rng.random() < 0.5
            ):
                counts[fault] += 1
                status = 500 if fault == "server_error" else 200
                return status, {"ok": False, "error": "internal_error"}, fault
            self._state.last_post[channel] = now
            message = self._store(channel, args)
            counts["accepted"] += 1
            if fault != "ok":
                counts[fault] += 1
            if fault == "error_after_accept":
                return 500, {"ok": False, "error": "internal_error"}, fault
            return 200, {"ok": True, "channel": channel, "ts": message["ts"]}, fault

    def _store(self, channel: str, args: dict[str, Any]) -> dict[str, Any]:
        # Slack's ts is the epoch time of the post, unique per channel.
        self._state.last_ts = max(time.time(), self._state.last_ts + 0.000001)
        ts = f"{self._state.last_ts:.6f}"
        metadata = args.get("metadata") or {}
        message = {
            "type": "message",
            "ts": ts,
            "text": args.get("text", ""),
            "blocks": args.get("blocks"),
            "metadata": metadata,
            "bot_id": "BBOT",
        }
        self._state.messages.setdefault(channel, []).append(message)
        key = str((metadata.get("event_payload") or {}).get("key", ""))
        self._state.copies[(channel, key)] += 1
        return message

    def history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        start = int(args.get("cursor") or 0)
        with self._lock:
            self._state.counts["history"] += 1
            found = [
                m
                for m in reversed(self._state.messages.get(channel, []))
                if float(m["ts"]) >= oldest
            ]
        page = found[start : start + limit]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def note(self, name: str) -> None:
        with self._lock:
            self._state.counts[name] += 1

    def messages(self, channel: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._state.messages.get(channel, []))


AUTH = {
    "ok": True,
    "team_id": "T0BENCH",
    "user_id": "UBOT",
    "bot_id": "BBOT",
    "team": "Bench",
    "url": "https://bench.slack.com/",
    "user": "secbot",
}


def _decode(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    args: dict[str, Any] = dict(parse_qsl(query))
    raw = body.decode("utf-8", "replace")
    if "json" in content_type and raw:
        args.update(json.loads(raw))
    elif raw:
        args.update(parse_qsl(raw, keep_blank_values=True))
    for key in ("metadata", "blocks"):
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


def _handler(fake: PacedSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.do_POST()

        def do_POST(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if len(body) < length:  # the client died mid-request: Slack never saw a whole one
                self.close_connection = True
                return
            if split.path == "/stats":
                self._send(200, fake.stats())
                return
            if split.path.startswith("/response/"):  # a slash command's answer
                fake.note("response_url")
                self._send(200, {"ok": True})
                return
            method = split.path.removeprefix("/api/")
            args = _decode(split.query, body, self.headers.get("Content-Type", ""))
            if method == "chat.postMessage":
                self._post(args)
            elif method == "conversations.history":
                self._send(200, fake.history(args))
            elif method == "conversations.open":
                user = str(args.get("users", "U0")).split(",")[0]
                self._send(200, {"ok": True, "channel": {"id": "D" + user[1:]}})
            else:
                self._send(200, AUTH if method == "auth.test" else {"ok": True})

        def _post(self, args: dict[str, Any]) -> None:
            status, payload, fault = fake.post(args)
            if fault == "dropped":  # no answer at all: the client sees a reset connection
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault == "slow":
                time.sleep(fake.chaos.slow_seconds)
            extra = {"Retry-After": "1"} if status == 429 else {}
            self._send(status, payload, extra)

        def _send(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up first (a timeout)
                self.close_connection = True

    return Handler


def main(argv: list[str]) -> int:
    pace = float(argv[argv.index("--pace") + 1]) if "--pace" in argv else 1.0
    fake = PacedSlack(pace=pace).start()
    print(f"READY {fake.base_url}", flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin (or dies)
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
