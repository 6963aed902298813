"""What secbot has done about each pending decision: nudges, snoozes, hand-backs, escalations.

One ``DecisionFollowUp`` row per decision, made the first time the nudge job or a person acts on
it. The decision itself (``storage.models.Decision``) keeps the facts from papers and people; this
row keeps the follow-up state, so nudging never rewrites what a paper said.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base
from storage.models import Decision
from storage.types import UtcDateTime


class DecisionFollowUp(Base):
    """The nudging state of one decision."""

    __tablename__ = "decision_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), unique=True
    )
    # No nudge on or before this day (a snooze).
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    nudges_sent: Mapped[int] = mapped_column(Integer, default=0)
    # Nudges since the last answer (any button); three of them escalate.
    unanswered: Mapped[int] = mapped_column(Integer, default=0)
    # The last nudge day this decision was dealt with (nudged, snoozed, or shown to admins):
    # the guard that makes each weekly occurrence happen once per decision.
    last_occurrence: Mapped[date | None] = mapped_column(Date)
    last_nudged_on: Mapped[date | None] = mapped_column(Date)
    last_answer: Mapped[str | None] = mapped_column(String(20))  # decision_made | snooze | not_me
    last_answered_by: Mapped[str | None] = mapped_column(String(100))
    last_answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_on: Mapped[date | None] = mapped_column(Date)
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    handed_back_on: Mapped[date | None] = mapped_column(Date)
    handed_back_by: Mapped[str | None] = mapped_column(String(100))
    handed_back_note: Mapped[str | None] = mapped_column(Text)
    # The administrators have been told of the latest hand-back.
    handed_back_told: Mapped[bool] = mapped_column(Boolean, default=False)
    # Closed through secbot (a button or an administrator): followers are to be told, once.
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_told: Mapped[bool] = mapped_column(Boolean, default=False)
    # The newest undeliverable nudge (a dead outbox row) already reported to administrators.
    last_dead_delivery_id: Mapped[int | None] = mapped_column(Integer)

    decision: Mapped[Decision] = relationship()
