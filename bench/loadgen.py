"""The load generator: signed /sec requests from its own process, on loopback only.

    python -m bench.loadgen SECRET   (reads its plan as JSON on stdin after printing READY)

It serves a small HTTP endpoint first: ``/api/auth.test`` (the token check the server makes at
start) and ``/response/<id>`` (where the server posts each lazy answer), then prints
``READY <port>`` and waits for one line of JSON on stdin: ``{"server": port, "runs": [...]}``
with runs of ``{"name", "texts", "concurrency", "requests", "answers", "seconds"}``. Each run is
a closed loop: ``concurrency`` threads each send a command signed as Slack signs it, read the
acknowledgement, and (with ``answers``) wait for the answer to reach ``/response/<id>`` before
sending the next. A run stops after ``requests`` requests or ``seconds`` seconds, whichever
comes first. One JSON line per run goes to stdout.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import os
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

ANSWER_TIMEOUT = 20.0
AUTH_TEST = {
    "ok": True,
    "url": "https://bench.slack.com/",
    "team": "Bench",
    "user": "secbot",
    "team_id": "T0BENCH",
    "user_id": "UBOT",
    "bot_id": "BBOT",
}


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """Slack's signature: v0= hex HMAC-SHA256 of v0:{timestamp}:{body}."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def command_body(text: str, response_url: str, n: int, run: str = "run") -> bytes:
    """A slash command's form body, as Slack sends it: each invocation its own trigger_id (the
    web process drops a repeated one as a replay)."""
    return urlencode(
        {
            "token": "unused",
            "team_id": "T0BENCH",
            "team_domain": "bench",
            "channel_id": f"C{n % 50:05d}",
            "channel_name": "bench",
            "user_id": f"U{n % 200:05d}",
            "user_name": "bench",
            "command": "/sec",
            "text": text,
            "api_app_id": "A0BENCH",
            "response_url": response_url,
            "trigger_id": f"{n}.{run}.{os.getpid()}.bench",
        }
    ).encode()


class Answers:
    """Answers posted to /response/<id>: when each arrived, and what it said."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._got: dict[str, tuple[float, bytes]] = {}

    def arrived(self, rid: str, body: bytes) -> None:
        with self._cond:
            self._got[rid] = (time.perf_counter(), body)
            self._cond.notify_all()

    def wait(self, rid: str, timeout: float) -> tuple[float, bytes] | None:
        deadline = time.perf_counter() + timeout
        with self._cond:
            while rid not in self._got:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self._cond.wait(left)
            return self._got.pop(rid)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # 64 clients' answers may arrive at once (the default is 5)


def receiver(answers: Answers) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/response/"):
                answers.arrived(self.path.rsplit("/", 1)[-1], body)
                payload = b"ok"
            else:
                payload = json.dumps(AUTH_TEST).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Run:
    """One closed-loop run; ``samples`` holds one dict per request."""

    def __init__(
        self, spec: dict[str, Any], server: int, rport: int, answers: Answers, secret: str
    ) -> None:
        self.spec, self.server, self.rport = spec, server, rport
        self.answers, self.secret = answers, secret
        self.samples: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._counter = itertools.count()

    def _next(self) -> int | None:
        n = next(self._counter)
        over = n >= self.spec["requests"] or time.perf_counter() > self.deadline
        return None if over else n

    def client(self, seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", self.server, timeout=30)
        while (n := self._next()) is not None:
            sample = self.one(conn, n, rng.choice(self.spec["texts"]))
            with self._lock:
                self.samples.append(sample)
        conn.close()

    def one(self, conn: http.client.HTTPConnection, n: int, text: str) -> dict[str, Any]:
        rid = f"{self.spec['name']}-{n}"
        body = command_body(
            text, f"http://127.0.0.1:{self.rport}/response/{rid}", n, self.spec["name"]
        )
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": sign(body, self.secret, stamp),
        }
        started = time.perf_counter()
        conn.request("POST", "/slack/events", body=body, headers=headers)
        response = conn.getresponse()
        acked = response.read()
        sample: dict[str, Any] = {
            "status": response.status,
            "ack_ms": (time.perf_counter() - started) * 1000,
            "server_ms": int(response.getheader("x-server-time-us") or 0) / 1000,
            "ack_text": bool(acked),
        }
        if self.spec["answers"]:
            got = self.answers.wait(rid, ANSWER_TIMEOUT)
            sample["answer_ms"] = None if got is None else (got[0] - started) * 1000
            sample["answer_ok"] = got is not None and b"Sorry, something went wrong" not in got[1]
        return sample

    def go(self) -> dict[str, Any]:
        self.deadline = time.perf_counter() + self.spec["seconds"]
        threads = [
            threading.Thread(target=self.client, args=(i,)) for i in range(self.spec["concurrency"])
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {
            "name": self.spec["name"],
            "concurrency": self.spec["concurrency"],
            "wall_s": time.perf_counter() - started,
            "samples": self.samples,
        }


def main(argv: list[str]) -> int:
    secret = argv[0]
    answers = Answers()
    rserver = receiver(answers)
    print(f"READY {rserver.server_address[1]}", flush=True)
    plan = json.loads(sys.stdin.readline())
    for spec in plan["runs"]:
        result = Run(spec, plan["server"], rserver.server_address[1], answers, secret).go()
        print(json.dumps(result), flush=True)
    rserver.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
