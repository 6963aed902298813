"""The web process under benchmark: ``secbot serve``'s app (or the floor) plus a timing header.

    python -m bench.serve_app real|floor --port P

``real`` builds the app exactly as ``secbot serve`` does (``build_services`` and
``create_web_app`` from the environment, then ``uvicorn.run`` with the same options, and as many
worker processes as ``secbot serve`` starts by default (one per CPU on PostgreSQL, one on
SQLite), or ``--workers N``); ``floor``
builds ``bench.floor_app``. Both are wrapped in ``ServerTiming``, which adds
``x-server-time-us``: microseconds from the request reaching the ASGI app to its response
headers being sent, i.e. the server's own time without the network or the client.
"""

from __future__ import annotations

import os
import sys
import time

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bench.floor_app import create_floor_app
from bot.commands_cli.web import default_workers
from bot.services import build_services
from bot.settings import Settings
from bot.web import create_web_app

HEADER = b"x-server-time-us"


class ServerTiming:
    """Pure ASGI middleware: stamp each HTTP response with the time the app took."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter_ns()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter_ns() - started) // 1000
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (HEADER, str(elapsed).encode())],
                }
            await send(message)

        await self.app(scope, receive, timed_send)


def _profile() -> None:
    if os.environ.get("BENCH_PROFILE"):  # bench.sampler: where the server's time goes
        from bench.sampler import start

        start(f"{os.environ['BENCH_PROFILE']}.{os.getpid()}")


def real_app() -> ServerTiming:
    """`secbot serve`'s app, timed (one per worker process)."""
    _profile()
    return ServerTiming(create_web_app(build_services()))


def floor_app() -> ServerTiming:
    _profile()
    return ServerTiming(create_floor_app(Settings()))


def main(argv: list[str]) -> int:
    kind = argv[0] if argv else "real"
    port = int(argv[argv.index("--port") + 1]) if "--port" in argv else 3000
    # As `secbot serve` runs by default: one process per CPU (bot.commands_cli.web).
    workers = (
        int(argv[argv.index("--workers") + 1])
        if "--workers" in argv
        else default_workers(os.environ.get("DATABASE_URL", ""))
    )
    if workers == 1:
        app = real_app() if kind != "floor" else floor_app()
        uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, proxy_headers=True)
        return 0
    uvicorn.run(
        f"bench.serve_app:{'floor' if kind == 'floor' else 'real'}_app",
        factory=True,
        workers=workers,
        host="127.0.0.1",
        port=port,
        log_config=None,
        proxy_headers=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
