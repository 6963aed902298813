"""When nudges go out and where administrators hear of trouble: plain config for the worker.

The entry point builds it from ``bot.settings`` (``settings.nudges.policy()``) once, at start-up,
and hands it down in ``WorkerConfig``; ``jobs`` never reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass

Address = tuple[str, str]  # (surface, Slack user or channel id / Teams id)


@dataclass(frozen=True)
class NudgePolicy:
    """When nudges go out, where administrators hear of trouble, and when to escalate."""

    weekday: int = 0  # Monday
    hour: int = 10  # London
    admin_channel: str | None = None  # "C0123" (Slack) or "teams:<conversation id>"
    escalate_after: int = 3

    @property
    def admin(self) -> Address | None:
        """The administrators' channel as (surface, address)."""
        if not self.admin_channel:
            return None
        surface, sep, rest = self.admin_channel.partition(":")
        if sep and surface in ("slack", "teams") and rest:
            return surface, rest
        return "slack", self.admin_channel
