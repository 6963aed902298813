"""Slash-command latency: signed /sec status, release and search against the web process.

For each store (the sample data and the stress store, on SQLite and PostgreSQL) a server process
(``bench.serve_app real``: ``secbot serve``'s app with a timing header) is started on loopback,
and a load generator process (``bench.loadgen``) runs closed loops at concurrency 1, 16 and 64.
The floor (``bench.serve_app floor``) gets the same loops. Figures per run:

- ack: the server's own time to acknowledge (``x-server-time-us``), p50/p95/p99. This is what
  Slack's three-second limit applies to, and what the floor's constant answer costs.
- answer: client-observed time from sending the command to the lazy answer reaching its
  response_url (both ends on loopback, so the network adds well under a millisecond). This is
  what a person waits for; the floor's answer is its acknowledgement.
- throughput: commands answered per second.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from storage.sample import SAMPLE_FILE

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
CONCURRENCY = (1, 16, 64)
# Requests per run at each concurrency, and the time limit of a run (seconds).
REQUESTS = {1: 100, 16: 320, 64: 640}
RUN_SECONDS = 12.0
COMMANDS = ("status", "release", "search")
_FOREIGN_ENV = ("SLACK_", "DATABASE_", "SECBOT_", "TEAMS_", "CLIENT_", "TENANT_")


@dataclass(frozen=True)
class Target:
    """A store to serve, and the command texts to ask it (picked at random per request)."""

    name: str
    database_url: str
    texts: dict[str, list[str]]


def sample_texts() -> dict[str, list[str]]:
    data = yaml.safe_load(SAMPLE_FILE.read_text(encoding="utf-8"))
    refs = [m["ref"] for m in data["modifications"]]
    releases = [r["name"] for r in data["releases"]]
    words = [
        "firmware",
        "service request",
        "alert",
        "security",
        "credit cover",
        "smart meter",
        "communication hub",
        "certificates",
        "prepayment",
        "zigbee",
    ]
    return {
        "status": [f"status {r}" for r in refs],
        "release": [f"release {n}" for n in releases],
        "search": [f"search {w}" for w in words],
    }


def stress_texts(refs: list[str], releases: list[str], vocabulary: list[str]) -> dict[str, list]:
    pairs = [f"{a} {b}" for a, b in zip(vocabulary[::2], vocabulary[1::2], strict=False)]
    return {
        "status": [f"status {r}" for r in refs[::7]],
        "release": [f"release {n}" for n in releases[::3]],
        "search": [f"search {w}" for w in [*vocabulary, *pairs, "firmware"]],
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(database_url: str, api_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_ENV)}
    env.update(
        NO_PROXY="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_BASE_URL=f"http://127.0.0.1:{api_port}/api/",
    )
    return env


def _wait_listening(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start listening")


def _runs(texts: dict[str, list[str]], *, answers: bool) -> list[dict[str, Any]]:
    warm = [
        {
            "name": "warm-up",
            "texts": sum(texts.values(), []),
            "concurrency": 4,
            "requests": 40,
            "answers": answers,
            "seconds": 20,
        }
    ]
    return warm + [
        {
            "name": f"{command}@{c}",
            "texts": texts[command],
            "concurrency": c,
            "requests": REQUESTS[c],
            "answers": answers,
            "seconds": RUN_SECONDS,
        }
        for command in texts
        for c in CONCURRENCY
    ]


def load(kind: str, database_url: str, texts: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Start the load generator and a server, run the loops, stop both; one result per run."""
    python = sys.executable
    runs = _runs(texts, answers=kind == "real")
    with tempfile.TemporaryDirectory() as cwd:  # no stray .env or secbot.db is picked up
        gen = subprocess.Popen(
            [python, "-m", "bench.loadgen", SECRET],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=_root(),
            env=_env("", 0),
        )
        assert gen.stdin is not None and gen.stdout is not None
        try:
            api_port = int(gen.stdout.readline().split()[1])
            port = _free_port()
            server = subprocess.Popen(
                [python, "-m", "bench.serve_app", kind, "--port", str(port)],
                cwd=cwd,
                env={**_env(database_url, api_port), "PYTHONPATH": str(_root())},
            )
            try:
                _wait_listening(port, server)
                gen.stdin.write(json.dumps({"server": port, "runs": runs}) + "\n")
                gen.stdin.flush()
                results = [json.loads(gen.stdout.readline()) for _ in runs]
            finally:
                server.terminate()
                server.wait(timeout=30)
        finally:
            gen.kill()
            gen.wait()
    return results[1:]


def init_store(database_url: str) -> None:
    """``secbot init``: the schema and the sample data."""
    secbot = str(Path(sys.executable).with_name("secbot"))
    with tempfile.TemporaryDirectory() as cwd:
        subprocess.run(
            [secbot, "init"],
            check=True,
            cwd=cwd,
            env=_env(database_url, 0),
            stdout=subprocess.DEVNULL,
        )


def _root() -> Path:
    return Path(__file__).resolve().parents[1]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    samples = result["samples"]
    ok = [s for s in samples if s["status"] == 200 and s.get("answer_ok", True)]
    answer = [s["answer_ms"] if "answer_ms" in s else s["ack_ms"] for s in ok]
    server = [s["server_ms"] for s in ok]
    return {
        "run": result["name"],
        "concurrency": result["concurrency"],
        "requests": len(samples),
        "errors": len(samples) - len(ok),
        "throughput": len(ok) / result["wall_s"],
        **{f"ack_p{p}": percentile(server, p) for p in (50, 95, 99)},
        **{f"answer_p{p}": percentile(answer, p) for p in (50, 95, 99)},
    }


def main_check() -> int:
    """A quick look from the shell: the floor and the sample store on SQLite."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/sample.db"
        init_store(url)
        for kind in ("floor", "real"):
            for result in load(kind, url, sample_texts()):
                print(kind, json.dumps(summarise(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main_check())
