"""Fetch ahead on one thread, so requests keep to the rate while the last page is applied.

Without it a pass takes (interval + work) a page once the work of a page (parse, apply,
commit) nears the interval; with it the work hides inside the interval. Still one request at a
time: the fetching thread is the only one using the client, and it waits for the limiter.

``take`` is called with ``lock`` held; whoever adds work (links found by the consumer) holds the
same lock. The pass ends when nothing is left to take and nothing is in flight.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

W = TypeVar("W")
R = TypeVar("R")
_END = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class Prefetcher(Generic[W, R]):
    def __init__(
        self,
        take: Callable[[], W | None],
        fetch: Callable[[W], R],
        *,
        lock: threading.RLock,
        depth: int = 2,
    ) -> None:
        self._take, self._fetch = take, fetch
        self._ready = threading.Condition(lock)
        self._out: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._in_flight = 0
        self._stop = False

    def results(self) -> Iterator[R]:
        """Each fetched result in turn; the next is taken once the caller is done with one."""
        thread = threading.Thread(target=self._run, name="secbot-sync-fetch", daemon=True)
        thread.start()
        try:
            while True:
                item = self._out.get()
                if item is _END:
                    return
                if isinstance(item, _Failure):
                    raise item.error
                yield item  # type: ignore[misc]
                with self._ready:
                    self._in_flight -= 1
                    self._ready.notify_all()
        finally:
            self._close(thread)

    def _close(self, thread: threading.Thread) -> None:
        with self._ready:
            self._stop = True
            self._ready.notify_all()
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):  # a fetcher blocked on a full queue finishes
                self._out.get(timeout=0.05)
        thread.join()

    def _next_work(self) -> W | None:
        with self._ready:
            while not self._stop:
                work = self._take()
                if work is not None:
                    self._in_flight += 1
                    return work
                if self._in_flight == 0:
                    return None
                self._ready.wait(0.1)  # the consumer may still add links
        return None

    def _run(self) -> None:
        try:
            while (work := self._next_work()) is not None:
                self._out.put(self._fetch(work))
        except BaseException as error:  # handed to the consumer, raised there
            self._out.put(_Failure(error))
        finally:
            self._out.put(_END)
