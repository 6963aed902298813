"""Layout drift told to the administrators' channel once, through the outbox.

The key names the site, the kind and the first pass of the streak in which that kind kept
failing to parse, so a drift that lasts many passes is told once, and a new one after the site
recovered is told again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from jobs.context import Renderer
from jobs.payloads import SUPPORTED_SURFACES, build_payload
from sec.timefmt import now as clock_now
from storage import site_store
from storage.outbox import NewDelivery, enqueue_deliveries

Address = tuple[str, str]


def admin_address(channel: str | None) -> Address | None:
    """ "C0123" (Slack) or "teams:<conversation id>" as (surface, address)."""
    if not channel:
        return None
    surface, sep, rest = channel.partition(":")
    if sep and surface in SUPPORTED_SURFACES:
        return surface, rest
    return "slack", channel


def drift_alarm(
    render: Renderer,
    target: Address | None,
    *,
    site: str,
    clock: Callable[[], datetime] = clock_now,
) -> Callable[[Session, str, int, int, int, Sequence[str]], int]:
    """The sync's alarm hook: queue one message per drift streak (0 when told before)."""

    def alarm(
        session: Session, kind: str, drift: int, read: int, run_id: int, examples: Sequence[str]
    ) -> int:
        if target is None:
            return 0
        since = site_store.drift_since(session, site=site, kind=kind, run_id=run_id)
        key = f"sync-drift:{urlsplit(site).netloc}:{kind}:{since}"
        context = {
            "kind": kind,
            "drift": drift,
            "read": read,
            "site": site,
            "examples": list(examples)[:5],
        }
        at = clock()
        payload = build_payload(
            render, template="sync_drift", surface=target[0], key=key, due_at=at, context=context
        )
        row = NewDelivery(key, "sync_drift", target[0], target[1], at, payload)
        return enqueue_deliveries(session, rows=[row], now=at)

    return alarm
