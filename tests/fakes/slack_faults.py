"""Pacing and seeded faults for the fake Slack's chat.postMessage (tests/fakes/slack_api.py).

With ``FakeSlack(pace=1.0)`` a post less than ``pace`` seconds (less a small tolerance for clock
jitter) after the channel's last accepted one gets HTTP 429 with ``Retry-After``, as Slack does.
With ``chaos=Chaos(...)`` each post draws, from a seeded generator, one of: 429, 500 (before or
after storing the message), ``ok: false``, an answer slower than the client's timeout (after
storing), or a dropped connection (stored half of the time). Used by the fault drills and the
fan-out benchmark (``python -m tests.fakes.slack_api --pace 1.0``).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

TOLERANCE = 0.05  # seconds of jitter allowed between the sender's clock and ours
FAULTS = ("rate_limited", "server_error", "error_after_accept", "not_ok", "slow", "dropped")


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
        for name in FAULTS:
            chance = float(getattr(self, name))
            if roll < chance:
                return name
            roll -= chance
        return "ok"


@dataclass
class PostFaults:
    """What happens to each post; call under the fake's lock."""

    pace: float = 0.0
    chaos: Chaos = field(default_factory=Chaos)
    last_post: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.chaos.seed)

    def decide(self, channel: str) -> tuple[str, bool]:
        """(fault, stored): the fault drawn ("ok" for none) and whether Slack keeps the message."""
        fault = self.chaos.draw(self._rng)
        last, now = self.last_post.get(channel), time.monotonic()
        if fault == "rate_limited" or (last is not None and now - last < self.pace - TOLERANCE):
            return "rate_limited", False
        if fault in ("server_error", "not_ok") or (fault == "dropped" and self._rng.random() < 0.5):
            return fault, False
        self.last_post[channel] = now
        return fault, True

    @staticmethod
    def refusal(fault: str) -> tuple[int, dict[str, object]]:
        """The HTTP status and body for a post that was refused or failed."""
        if fault == "rate_limited":
            return 429, {"ok": False, "error": "ratelimited"}
        return (200 if fault == "not_ok" else 500), {"ok": False, "error": "internal_error"}
