"""The sync's own settings: built by the entry point from Settings (jobs never import bot)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SITE = "https://smartenergycodecompany.co.uk/"


@dataclass(frozen=True)
class SyncConfig:
    """How to read the site, and how politely. Every loop of the sync is bounded by these."""

    url: str = DEFAULT_SITE
    requests_per_second: float = 1.0
    contact: str = ""
    apply: str = "auto"  # auto | review
    timeout_seconds: float = 20.0
    max_page_bytes: int = 2_000_000
    schedule: str = "7-19/2"  # London hours, Working Days
    enabled: bool = True
    max_pages: int = 5000  # pages fetched in one pass
    max_sitemaps: int = 50
    max_redirects: int = 5
    max_retries: int = 3  # on 429/503
    max_retry_after: float = 120.0  # seconds; a longer Retry-After gives up on that page
    admin_channel: str | None = None  # where layout drift is told, "C0123" or "teams:<id>"

    def __post_init__(self) -> None:
        if not 0 < self.requests_per_second <= 100:
            raise ValueError("requests_per_second must be above 0 and at most 100")
        if self.apply not in ("auto", "review"):
            raise ValueError("apply must be 'auto' or 'review'")

    @property
    def user_agent(self) -> str:
        contact = f"; {self.contact}" if self.contact else ""
        return f"secbot/1.0 (SEC change process assistant{contact})"
