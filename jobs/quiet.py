"""Hold direct messages for quiet hours, and let them go when the window opens.

Run by the dispatcher before it claims: every due row for a person (a Slack user id, a Teams
Entra id) whose window is shut now gets a ``not_before`` at the start of their next window,
and, the first time, a note saying when it was due. Channels keep their scheduled times. The
row stays in the outbox the whole time, so a held message is still sent exactly once.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sec.quiet_hours import Window, held_note, in_window, next_window_start
from sec.timefmt import uk_datetime
from storage import quiet_hours as store
from storage.calendar_store import get_working_calendar
from storage.delivery_models import Delivery

_ENTRA_ID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def is_person(surface: str, recipient: str) -> bool:
    """A direct message: a Slack user id, or a Teams person's Entra object id."""
    if surface == "slack":
        return recipient[:1] in ("U", "W")
    if surface == "teams":
        return bool(_ENTRA_ID.match(recipient))
    return False


def hold_for_quiet_hours(session: Session, *, now: datetime, surfaces: Iterable[str]) -> int:
    """Hold the due direct messages whose recipient's window is shut; returns how many."""
    rows = [
        r
        for r in store.due_unheld(session, now=now, surfaces=surfaces)
        if is_person(r.surface, r.recipient)
    ]
    if not rows:
        return 0
    calendar = get_working_calendar(session)
    windows: dict[tuple[str, str], Window | None] = {}
    held = 0
    for row in rows:
        person = (row.surface, row.recipient)
        if person not in windows:
            windows[person] = store.window_for(session, surface=row.surface, user=row.recipient)
        window = windows[person]
        if window is None or in_window(now, window, calendar.is_working_day):
            continue
        until = next_window_start(now, window, calendar.is_working_day)
        first = row.not_before is None
        payload = with_held_note(row, until) if first else None
        held += store.hold(session, delivery_id=row.id, until=until, payload=payload)
    return held


def with_held_note(row: Delivery, until: datetime) -> dict[str, Any]:
    """The row's payload saying it was held, on its surface (Block Kit or Adaptive Card)."""
    note = held_note(row.due_at, released_at=until)
    payload = copy.deepcopy(dict(row.payload))
    payload["text"] = f"{payload.get('text', '')}\n\n{note}"
    if isinstance(payload.get("blocks"), list):
        payload["blocks"].append(
            {"type": "context", "elements": [{"type": "plain_text", "text": note}]}
        )
    card = payload.get("card")
    if isinstance(card, dict):
        body = card.setdefault("body", [])
        body.append({"type": "TextBlock", "text": note, "wrap": True, "isSubtle": True})
    # Lateness now counts from the release: a late send says so against that time.
    payload["late_note"] = (
        f"Sent late: this was held for quiet hours until {uk_datetime(until)}; "
        "secbot was not running then."
    )
    return payload
