"""Acknowledging never waits for answering: each kind of work has its own bounded thread pool.

Bolt runs ack functions and lazy listeners on one executor (five threads by default), so slow
answers (a response_url taking a second, a paper being read) left acks queued past Slack's three
seconds: 285 of 300 commands failed at concurrency 32. Here:

- ``acks``: Bolt's listener executor, running only the trivial ack functions;
- ``answers``: lazy listeners (routing, the store, rendering, posting to response_url);
- ``ingest``: lazy listeners marked with ``@ingest_work`` (fetching and reading papers), so a
  few administrators' slow papers cannot hold the answers of everyone else.

Each pool has a fixed number of threads and a bounded backlog; work beyond it is refused with a
log line rather than queued without end (the ack has been sent, so Slack shows no error; the
person sees no answer and can ask again).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_bolt.lazy_listener.internals import build_runnable_function
from slack_bolt.lazy_listener.runner import LazyListenerRunner
from slack_bolt.request import BoltRequest

log = logging.getLogger(__name__)

ACK_THREADS = 16
ANSWER_THREADS, ANSWER_BACKLOG = 8, 500
INGEST_THREADS, INGEST_BACKLOG = 2, 10
_POOL_ATTRIBUTE = "secbot_pool"

F = TypeVar("F", bound=Callable[..., Any])


def ingest_work(function: F) -> F:
    """Mark a lazy listener as ingestion: it runs on the ingest pool, not the answers pool."""
    setattr(function, _POOL_ATTRIBUTE, "ingest")
    return function


class BoundedPool(Executor):
    """A thread pool that refuses work beyond its threads plus a backlog, instead of queuing."""

    def __init__(self, name: str, threads: int, backlog: int) -> None:
        self.name = name
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"secbot-{name}")
        self._slots = threading.BoundedSemaphore(threads + backlog)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if not self._slots.acquire(blocking=False):
            log.warning("the %s pool is full; work refused", self.name)
            refused: Future[Any] = Future()
            refused.set_exception(RuntimeError(f"the {self.name} pool is full"))
            return refused
        future = self._pool.submit(fn, *args, **kwargs)
        future.add_done_callback(lambda _: self._slots.release())
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


@dataclass
class Pools:
    acks: Executor
    answers: BoundedPool
    ingest: BoundedPool


def make_pools() -> Pools:
    return Pools(
        acks=ThreadPoolExecutor(max_workers=ACK_THREADS, thread_name_prefix="secbot-ack"),
        answers=BoundedPool("answers", ANSWER_THREADS, ANSWER_BACKLOG),
        ingest=BoundedPool("ingest", INGEST_THREADS, INGEST_BACKLOG),
    )


class PooledLazyRunner(LazyListenerRunner):
    """Bolt's lazy listener runner, choosing the pool by the listener's mark."""

    def __init__(self, logger: logging.Logger, pools: Pools) -> None:
        self.logger = logger
        self.pools = pools

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        pool = self.pools.ingest if getattr(function, _POOL_ATTRIBUTE, "") else self.pools.answers
        pool.submit(build_runnable_function(func=function, logger=self.logger, request=request))
