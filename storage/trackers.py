"""Live trackers: start, stop and list them; which are due a look; what the sender records.

The command (`/sec tracker release Nov 2022`) starts one; the worker's trackers job
(jobs/trackers.py) looks at the active ones whenever the store revision or the London day has
moved since it last looked, and queues a rewrite through the outbox when the content changed.
The Slack sender records here where the tracker lives (canvas id, or the pinned message's ts),
each call in its own short transaction (``TrackerBook``), like the thread parents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from sec.timefmt import now
from storage.db import transaction
from storage.tenancy_models import DEFAULT_WORKSPACE
from storage.tracker_models import CANVAS, PINNED, Tracker

MAX_PER_CHANNEL = 10  # a channel with more trackers than this has lost the point of them


class TooManyTrackers(ValueError):
    """The channel already has MAX_PER_CHANNEL active trackers."""


def find_tracker(session: Session, *, surface: str, channel: str, target: str) -> Tracker | None:
    return session.scalar(
        select(Tracker).where(
            Tracker.surface == surface, Tracker.channel == channel, Tracker.target == target
        )
    )


def channel_trackers(session: Session, *, surface: str, channel: str) -> list[Tracker]:
    """The channel's active trackers, oldest first."""
    stmt = (
        select(Tracker)
        .where(Tracker.surface == surface, Tracker.channel == channel, Tracker.active.is_(True))
        .order_by(Tracker.id)
    )
    return list(session.scalars(stmt))


def start_tracker(
    session: Session,
    *,
    surface: str,
    channel: str,
    target: str,
    owner: str | None,
    workspace: str | None = None,
    form: str = CANVAS,
    at: datetime | None = None,
) -> tuple[Tracker, bool]:
    """The channel's tracker of this target, started (or restarted); True when it is new or
    was off. A restarted tracker keeps its canvas or message and is rewritten on the next look."""
    at = at or now()
    found = find_tracker(session, surface=surface, channel=channel, target=target)
    if found is not None and found.active:
        return found, False
    if len(channel_trackers(session, surface=surface, channel=channel)) >= MAX_PER_CHANNEL:
        raise TooManyTrackers(channel)
    if found is None:
        found = Tracker(
            surface=surface,
            channel=channel,
            target=target,
            form=form,
            revision_seen=-1,
            created_at=at,
            workspace=workspace or DEFAULT_WORKSPACE,
        )
        session.add(found)
    found.owner, found.active, found.updated_at = owner, True, at
    found.digest, found.revision_seen, found.day_seen = None, -1, None
    session.flush()
    return found, True


def stop_trackers(
    session: Session, *, surface: str, channel: str, target: str | None = None
) -> list[Tracker]:
    """Stop the channel's trackers (or the one of ``target``); returns those stopped."""
    stopped = [
        t
        for t in channel_trackers(session, surface=surface, channel=channel)
        if target is None or t.target == target
    ]
    for tracker in stopped:
        tracker.active, tracker.updated_at = False, now()
    return stopped


def trackers_to_look_at(session: Session, *, revision: int, day: date) -> list[Tracker]:
    """Active trackers that have not been looked at since the store or the day last moved."""
    stmt = (
        select(Tracker)
        .where(
            Tracker.active.is_(True),
            or_(
                Tracker.revision_seen != revision,
                Tracker.day_seen.is_(None),
                Tracker.day_seen != day,
            ),
        )
        .order_by(Tracker.id)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class TrackerState:
    """Where a tracker lives in Slack, as the sender needs it."""

    id: int
    active: bool
    form: str
    canvas_id: str | None
    message_ts: str | None
    form_reason: str | None
    digest: str | None  # the content last queued: older rows are superseded


class TrackerBook:
    """What the Slack sender reads and records: each call in its own short transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def state(self, tracker_id: int) -> TrackerState | None:
        with transaction(self.sessions) as session:
            row = session.get(Tracker, tracker_id)
            if row is None:
                return None
            return TrackerState(
                row.id,
                row.active,
                row.form,
                row.canvas_id,
                row.message_ts,
                row.form_reason,
                row.digest,
            )

    def _update(self, tracker_id: int, **values: object) -> None:
        with transaction(self.sessions) as session:
            row = session.get(Tracker, tracker_id)
            if row is not None:
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = now()

    def record_canvas(self, tracker_id: int, canvas_id: str) -> None:
        self._update(tracker_id, canvas_id=canvas_id, last_error=None)

    def record_message(self, tracker_id: int, ts: str | None) -> None:
        self._update(tracker_id, message_ts=ts, last_error=None)

    def use_pinned(self, tracker_id: int, reason: str) -> None:
        """Canvases are not available there: from now on the tracker is a pinned message."""
        self._update(tracker_id, form=PINNED, form_reason=reason[:80], canvas_id=None)

    def record_error(self, tracker_id: int, error: str) -> None:
        self._update(tracker_id, last_error=error[:500])
