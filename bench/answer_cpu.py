"""CPU per repeated `status` answer through the router, with the answer cache and without it.

The same line (``status MP159``) is answered many times in this process by the router that
``secbot serve`` builds (``build_router`` over the store's sessions); ``time.process_time``
before and after, divided by the count, is the CPU one command costs. "Uncached" is the same
router with its cache taken away (what every command cost before the cache), "rendered" adds
the Slack blocks each answer is turned into (``message_payload``), what the slash command's
lazy listener does besides.

`python -m bench.answer_cpu DATABASE_URL` prints the figures.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.router import Context, Router, build_router
from sec.timefmt import today
from storage.db import make_engine, session_factory

AIM_MS = 1.0
LINE = "status MP159"
REPEATS = 2000
UNCACHED_REPEATS = 200


@dataclass(frozen=True)
class CpuFigures:
    cached_ms: float
    uncached_ms: float
    rendered_ms: float
    repeats: int


def _cpu_ms(work: Callable[[], object], repeats: int) -> float:
    work()  # warm: templates compiled, statements cached, the answer kept
    started = time.process_time()
    for _ in range(repeats):
        work()
    return (time.process_time() - started) * 1000 / repeats


def measure(database_url: str, repeats: int = REPEATS) -> CpuFigures:
    from bot.slack.blocks import message_payload

    engine = make_engine(database_url)
    try:
        router: Router = build_router(session_factory(engine))
        ctx = Context(as_of=today(), user="U0BENCH", channel="C0BENCH", surface="slack")
        cached = _cpu_ms(lambda: router.handle(LINE, ctx), repeats)
        rendered = _cpu_ms(lambda: message_payload(router.handle(LINE, ctx).answer), repeats)
        cache, router.cache = router.cache, None
        uncached = _cpu_ms(lambda: router.handle(LINE, ctx), UNCACHED_REPEATS)
        router.cache = cache
    finally:
        engine.dispose()
    return CpuFigures(cached, uncached, rendered, repeats)


def describe(f: CpuFigures) -> str:
    return (
        f"{f.cached_ms:.3f} ms CPU a command over {f.repeats:,} repeats (uncached "
        f"{f.uncached_ms:.2f} ms; with the Slack blocks {f.rendered_ms:.3f} ms)"
    )


if __name__ == "__main__":
    print(describe(measure(sys.argv[1])))
