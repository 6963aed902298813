"""Quiet hours in the store: each person's window, and holding direct messages for it.

No row: the default window (08:00-18:00 London, Working Days). A row with ``enabled`` False:
the person asked for messages at any time. Holding sets a pending delivery's ``not_before``
in a guarded UPDATE (still pending, not claimed), so a hold never races a send.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from sec.quiet_hours import DEFAULT_WINDOW, Window
from storage.delivery_models import Delivery, DeliveryState
from storage.surface_models import QuietHours
from storage.tenancy_models import DEFAULT_WORKSPACE

MAX_CANDIDATES = 2000  # due direct messages looked at per run; the rest next minute


def get_setting(session: Session, *, surface: str, user: str) -> QuietHours | None:
    stmt = select(QuietHours).where(QuietHours.surface == surface, QuietHours.user_id == user)
    return session.scalars(stmt).first()


def window_for(session: Session, *, surface: str, user: str) -> Window | None:
    """The person's window; None when they turned quiet hours off."""
    row = get_setting(session, surface=surface, user=user)
    if row is None:
        return DEFAULT_WINDOW
    if not row.enabled:
        return None
    return Window(time.fromisoformat(row.start), time.fromisoformat(row.end))


def save_setting(
    session: Session,
    *,
    surface: str,
    user: str,
    window: Window | None,
    at: datetime,
    workspace: str | None = None,
) -> None:
    """Store a window (None: quiet hours off) for the person, replacing any earlier one."""
    row = get_setting(session, surface=surface, user=user)
    if row is None:
        row = QuietHours(surface=surface, user_id=user, workspace=workspace or DEFAULT_WORKSPACE)
        session.add(row)
    shown = window or DEFAULT_WINDOW
    row.start, row.end = f"{shown.start:%H:%M}", f"{shown.end:%H:%M}"
    row.enabled, row.updated_at = window is not None, at
    session.flush()


def forget_setting(session: Session, *, surface: str, user: str) -> bool:
    """Back to the default window; False when there was nothing to forget."""
    row = get_setting(session, surface=surface, user=user)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def due_unheld(session: Session, *, now: datetime, surfaces: Iterable[str]) -> list[Delivery]:
    """Pending rows that would be claimed now (due, not held, not waiting for a retry)."""
    stmt = (
        select(Delivery)
        .where(
            Delivery.state == DeliveryState.PENDING,
            Delivery.due_at <= now,
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            or_(Delivery.not_before.is_(None), Delivery.not_before <= now),
            Delivery.surface.in_(list(surfaces)),
        )
        .order_by(Delivery.due_at, Delivery.id)
        .limit(MAX_CANDIDATES)
    )
    return list(session.scalars(stmt))


def hold(
    session: Session, *, delivery_id: int, until: datetime, payload: dict[str, Any] | None
) -> bool:
    """Hold a pending row until ``until`` (its payload replaced when given)."""
    values: dict[str, Any] = {"not_before": until}
    if payload is not None:
        values["payload"] = payload
    stmt = (
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.PENDING)
        .values(**values)
    )
    return bool(getattr(session.execute(stmt), "rowcount", 0))
