"""Duplicate deliveries produce no duplicate effects: events, slash commands and interactions.

Slack retries an event up to three times (X-Slack-Retry-Num) when it did not see our 200 in time,
or saw an error. Every event carries an ``event_id`` that stays the same across retries, so a
global middleware records each event_id in a table the moment it is accepted; a delivery whose
event_id is already there was handled (or is being handled) and is acknowledged without running
any listener. Because the record lives in the database, this holds across restarts and across
several web processes, unlike an in-memory set. A retry whose first delivery never reached us
(no row) is handled normally. Rows older than a day are pruned: Slack stops retrying within an
hour.

Slash commands and interactions are not retried by Slack, but a captured signed request can be
replayed within its five minutes (three deliveries of one `decision add` made three decisions).
They are claimed the same way in ``slack_request_receipts`` (storage.receipt_models) on what
Slack gives each invocation: a command's ``trigger_id``; a button's ``action_ts`` and
``action_id`` with the message it is on and who pressed; a modal submission's ``trigger_id``
(else its view id and hash). A request without such an identity is handled as before.

The same middleware strips NUL characters from every string of a verified body: Slack never
sends them, and PostgreSQL refuses them in text (a ``DataError`` deep in a listener).
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from slack_bolt import App, BoltResponse
from sqlalchemy import Connection, Engine, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sec.timefmt import now
from storage.models import SlackEventReceipt
from storage.receipt_models import KEY_LENGTH, SlackRequestReceipt

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=1)
# SQLite lets one writer in at a time and makes the others sleep and retry (its busy handler
# backs off up to 100 ms a try): under a burst, acks queued behind those sleeps for seconds.
# Threads of one process take turns here instead; other processes still meet the busy handler.
_SQLITE_WRITES = threading.Lock()
UTC = ZoneInfo("UTC")  # stored naive on SQLite, so one zone for every row


def first_delivery(engine: Engine, event_id: str, *, at: datetime) -> bool:
    """Record the event id; True when this is the first time it was seen."""
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(SlackEventReceipt).values(event_id=event_id, received_at=at).on_conflict_do_nothing()
    )
    with _one_writer(engine), engine.begin() as conn:
        _no_flush_wait(conn)
        inserted = conn.execute(stmt.returning(SlackEventReceipt.event_id)).first() is not None
        if inserted and zlib.crc32(event_id.encode()) % 50 == 0:  # prune now and then
            conn.execute(
                delete(SlackEventReceipt).where(SlackEventReceipt.received_at < at - KEEP_FOR)
            )
    return inserted


def first_request(engine: Engine, key: str, *, at: datetime) -> bool:
    """Claim a slash command's or interaction's key; True the first time it is seen."""
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    table = SlackRequestReceipt
    stmt = insert(table).values(key=key[:KEY_LENGTH], received_at=at).on_conflict_do_nothing()
    with _one_writer(engine), engine.begin() as conn:
        _no_flush_wait(conn)
        inserted = conn.execute(stmt.returning(table.key)).first() is not None
        if inserted and zlib.crc32(key.encode()) % 50 == 0:  # prune now and then
            conn.execute(delete(table).where(table.received_at < at - KEEP_FOR))
    return inserted


def _one_writer(engine: Engine) -> AbstractContextManager[object]:
    return _SQLITE_WRITES if engine.dialect.name == "sqlite" else nullcontext()


def _no_flush_wait(conn: Connection) -> None:
    """A receipt's commit need not wait for the disk (PostgreSQL): a server crash in the next
    fraction of a second could lose it, and then only the one request it guards."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


def request_key(body: dict[str, Any]) -> str | None:
    """What a replay of this command or interaction repeats; None when Slack gives nothing."""
    team = str(body.get("team_id") or (body.get("team") or {}).get("id") or "")
    kind = body.get("type")
    if body.get("command") and body.get("trigger_id"):
        return f"cmd:{team}:{body['trigger_id']}"
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        action = actions[0] if isinstance(actions[0], dict) else {}
        if not action.get("action_ts"):
            return None
        user = (body.get("user") or {}).get("id") or ""
        container = body.get("container") or {}
        where = container.get("message_ts") or container.get("view_id") or ""
        return f"act:{team}:{user}:{where}:{action.get('action_id')}:{action['action_ts']}"
    if kind in ("view_submission", "shortcut", "message_action") and body.get("trigger_id"):
        return f"{kind}:{team}:{body['trigger_id']}"
    return None


def strip_nuls(value: Any) -> Any:
    """The value with NUL characters removed from every string in it (in place for containers)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = strip_nuls(item)
    elif isinstance(value, list):
        value[:] = [strip_nuls(item) for item in value]
    return value


def register(app: App, services: Services) -> None:
    """Add the middleware that drops repeated deliveries of one event, command or click."""
    engine = services.engine

    def skip_repeated_events(body: dict[str, Any], next: Callable[[], None]) -> Any:
        strip_nuls(body)
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            if first_delivery(engine, str(event_id), at=now(UTC)):
                return next()
            log.info("ignoring a repeated delivery of event %s", event_id)
            return BoltResponse(status=200, body="")
        key = request_key(body)
        if key is None or first_request(engine, key, at=now(UTC)):
            return next()
        log.info("ignoring a replayed %s", key.split(":", 1)[0])
        return BoltResponse(status=200, body="")

    app.middleware(skip_repeated_events)
