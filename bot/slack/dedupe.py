"""Duplicate Events API deliveries produce no duplicate effects.

Slack retries an event up to three times (X-Slack-Retry-Num) when it did not see our 200 in time,
or saw an error. Every event carries an ``event_id`` that stays the same across retries, so a
global middleware records each event_id in a table the moment it is accepted; a delivery whose
event_id is already there was handled (or is being handled) and is acknowledged without running
any listener. Because the record lives in the database, this holds across restarts and across
several web processes, unlike an in-memory set. A retry whose first delivery never reached us
(no row) is handled normally. Rows older than a day are pruned: Slack stops retrying within an
hour.

The table is created beside slack_sdk's installation tables (``metadata.create_all``), since it
belongs to the Slack adapter rather than to the domain store.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from slack_bolt import App, BoltResponse
from sqlalchemy import Engine, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sec.timefmt import now
from storage.models import SlackEventReceipt

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=1)
UTC = ZoneInfo("UTC")  # stored naive on SQLite, so one zone for every row


def first_delivery(engine: Engine, event_id: str, *, at: datetime) -> bool:
    """Record the event id; True when this is the first time it was seen."""
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(SlackEventReceipt).values(event_id=event_id, received_at=at).on_conflict_do_nothing()
    )
    with engine.begin() as conn:
        inserted = conn.execute(stmt.returning(SlackEventReceipt.event_id)).first() is not None
        if inserted and zlib.crc32(event_id.encode()) % 50 == 0:  # prune now and then
            conn.execute(
                delete(SlackEventReceipt).where(SlackEventReceipt.received_at < at - KEEP_FOR)
            )
    return inserted


def register(app: App, services: Services) -> None:
    """Add the middleware that drops repeated deliveries of one event."""
    engine = services.engine

    def skip_repeated_events(body: dict[str, Any], next: Callable[[], None]) -> Any:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id or first_delivery(engine, str(event_id), at=now(UTC)):
            return next()
        log.info("ignoring a repeated delivery of event %s", event_id)
        return BoltResponse(status=200, body="")

    app.middleware(skip_repeated_events)
