"""Nightly housekeeping: drop old finished outbox rows and report dead letters."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from jobs.context import JobContext
from storage.db import transaction
from storage.delivery_models import DeliveryState
from storage.outbox import count_deliveries, purge_finished

log = logging.getLogger(__name__)

# Finished rows are kept well past any lookback, so a replan never sees a gap.
KEEP_FINISHED = timedelta(days=400)


def housekeeping(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Purge sent, late and skipped rows older than KEEP_FINISHED; dead rows stay listed."""
    keep = max(KEEP_FINISHED, ctx.rules.max_lookback * 2)
    with transaction(ctx.sessions) as session:
        purged = purge_finished(session, due_before=now - keep)
        counts = count_deliveries(session)
    dead, pending = counts.get(DeliveryState.DEAD, 0), counts.get(DeliveryState.PENDING, 0)
    if dead:
        log.warning("%d deliveries are dead; see `secbot deliveries --state dead`", dead)
    return {"purged": purged, "dead": dead, "pending": pending}
