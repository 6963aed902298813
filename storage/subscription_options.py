"""How a subscription's change notices read: ``format`` full | condensed, and ``broadcast``.

Set with the subscription (`subscribe MP159 condensed broadcast`). A channel hears one notice per
subject however many of its subscriptions match it, so the options of the matching ones combine:
condensed only when every matching subscription is condensed (one asking for the full notice
gets it), and broadcast when any matching one asks for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Subscription

FULL, CONDENSED = "full", "condensed"
FORMATS = (FULL, CONDENSED)


@dataclass(frozen=True)
class NoticeOptions:
    condensed: bool = False
    broadcast: bool = False


def set_options(
    session: Session, subscription_id: int, *, format: str | None, broadcast: bool | None
) -> Subscription | None:
    """Change what was asked for; None values leave that option as it is."""
    row = session.get(Subscription, subscription_id)
    if row is None:
        return None
    if format is not None:
        if format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, not {format!r}")
        row.format = format
    if broadcast is not None:
        row.broadcast = broadcast
    return row


def _matches(row: Subscription, ref: str | None, releases: set[str]) -> bool:
    if row.topic == "changes":
        return True
    if row.topic == "ref":
        return ref is not None and row.value == ref
    return row.topic == "release" and row.value in releases


def notice_options(
    session: Session, *, surface: str, channel: str, ref: str | None, releases: Iterable[str]
) -> NoticeOptions:
    """The combined options of the channel's subscriptions that hear this subject (a person
    hearing as Proposer or follower, with no such subscription, gets the full notice)."""
    wanted = {r for r in releases if r}
    rows = session.scalars(
        select(Subscription).where(Subscription.surface == surface, Subscription.channel == channel)
    )
    matching = [r for r in rows if _matches(r, ref, wanted)]
    if not matching:
        return NoticeOptions()
    return NoticeOptions(
        condensed=all(r.format == CONDENSED for r in matching),
        broadcast=any(r.broadcast for r in matching),
    )


def _topic_of(row: Subscription) -> str:
    return f"{row.topic}:{row.value}" if row.topic in {"ref", "release"} else row.topic


def reminder_options(
    session: Session, *, surface: str, channel: str, topics: Iterable[str]
) -> NoticeOptions:
    """The same combination for a reminder, over the subscriptions hearing any of its topics
    ("all", "meetings", "ref:MP159", "release:February 2022")."""
    wanted = set(topics)
    rows = session.scalars(
        select(Subscription).where(Subscription.surface == surface, Subscription.channel == channel)
    )
    matching = [r for r in rows if _topic_of(r) in wanted]
    if not matching:
        return NoticeOptions()
    return NoticeOptions(condensed=all(r.format == CONDENSED for r in matching), broadcast=False)
