"""Pacing: at most one message per interval to each channel, shared by every surface's sender.

Slack allows about one message a second per channel, Teams about seven a second per
conversation; each sender holds a ``Pacer`` with its own interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    """At most one message per ``interval`` seconds to each channel."""

    def __init__(
        self,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval, self._clock, self._sleep = interval, clock, sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        """Sleep until the channel may have its next message, then take the slot."""
        with self._lock:
            last = self._last.get(channel)
        if last is not None:
            pause = last + self.interval - self._clock()
            if pause > 0:
                self._sleep(pause)
        with self._lock:
            self._last[channel] = self._clock()
