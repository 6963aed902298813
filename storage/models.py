"""The SQL store: typed SQLAlchemy 2 models of modifications, releases, milestones, decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base
from storage.tenancy_models import WORKSPACE_KEY_LENGTH, workspace_column
from storage.types import UtcDateTime


class Document(Base):
    """A source of facts: a paper, a web page, or an administrator's entry."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    doc_date: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40), default="paper")
    checksum: Mapped[str] = mapped_column(String(64), unique=True)
    reference: Mapped[str | None] = mapped_column(String(80))
    path: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(1000))  # a web page's address
    fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # when a page was read
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Release(Base):
    """A SEC Release: a go-live date and a scope of modifications."""

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "February 2022"; shown as "February 2022 SEC Release".
    name: Mapped[str] = mapped_column(String(80), unique=True)
    go_live: Mapped[date | None] = mapped_column(Date, index=True)
    baselining: Mapped[str | None] = mapped_column(Text)
    ad_hoc: Mapped[bool] = mapped_column(Boolean, default=False)
    as_of: Mapped[date | None] = mapped_column(Date)

    scope: Mapped[list[ScopeEntry]] = relationship(
        back_populates="release", cascade="all, delete-orphan"
    )


class Modification(Base):
    """A modification proposal (or Draft Proposal), identified by its number and letter."""

    __tablename__ = "modifications"
    __table_args__ = (UniqueConstraint("number", "letter", name="uq_modifications_number_letter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(16), unique=True)
    number: Mapped[int] = mapped_column(Integer)
    letter: Mapped[str] = mapped_column(String(2), default="")
    title: Mapped[str] = mapped_column(String(300))
    # Lower-cased title for indexed prefix search and case-insensitive matching.
    title_key: Mapped[str] = mapped_column(String(300), index=True)
    slug: Mapped[str | None] = mapped_column(String(300), index=True)
    proposer: Mapped[str | None] = mapped_column(String(200))
    lead_analyst: Mapped[str | None] = mapped_column(String(200))
    raised_on: Mapped[date | None] = mapped_column(Date)
    # The implementation as shown ("Targeted for Jun 21 SEC Release", "Unknown") and its date.
    implementation: Mapped[str | None] = mapped_column(Text)
    implementation_date: Mapped[date | None] = mapped_column(Date)
    # The date of the document the page fields above (and dcc_impact) came from: newer wins.
    details_as_of: Mapped[date | None] = mapped_column(Date)
    path: Mapped[str | None] = mapped_column(String(10))
    stage: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str | None] = mapped_column(Text)
    status_as_of: Mapped[date | None] = mapped_column(Date)
    # True when the stage was read from the latest update (the page showed no Stage line).
    stage_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    dcc_impact: Mapped[bool | None] = mapped_column(Boolean)
    target_release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"))

    target_release: Mapped[Release | None] = relationship()
    history: Mapped[list[StatusEntry]] = relationship(
        back_populates="modification", cascade="all, delete-orphan", order_by="StatusEntry.as_of"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="modification", cascade="all, delete-orphan", order_by="Milestone.start"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="modification", cascade="all, delete-orphan", order_by="Decision.since"
    )


class StatusEntry(Base):
    """What was said about a modification's status on a date, and where it was said."""

    __tablename__ = "status_history"
    __table_args__ = (Index("ix_status_history_mod_asof", "modification_id", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    modification_id: Mapped[int] = mapped_column(ForeignKey("modifications.id"))
    as_of: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    recorded_by: Mapped[str | None] = mapped_column(String(100))

    modification: Mapped[Modification] = relationship(back_populates="history")
    document: Mapped[Document | None] = relationship()


class ScopeEntry(Base):
    """A modification's place in a release: in scope, partly, or removed, with a note."""

    __tablename__ = "release_scope"
    __table_args__ = (
        UniqueConstraint("release_id", "modification_id", name="uq_release_scope_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"))
    modification_id: Mapped[int] = mapped_column(ForeignKey("modifications.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    added: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[date | None] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    release: Mapped[Release] = relationship(back_populates="scope")
    modification: Mapped[Modification] = relationship()
    document: Mapped[Document | None] = relationship()


class Milestone(Base):
    """A dated event in a modification's timetable, keeping the precision it was given with."""

    __tablename__ = "milestones"
    __table_args__ = (Index("ix_milestones_start", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    modification_id: Mapped[int] = mapped_column(ForeignKey("modifications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    start: Mapped[date] = mapped_column(Date)  # first day of the window the precision allows
    precision: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    as_of: Mapped[date | None] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    # Set when a later document replaces this milestone; kept for history.
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)

    modification: Mapped[Modification] = relationship(back_populates="milestones")
    document: Mapped[Document | None] = relationship()


class Decision(Base):
    """Something a modification waits on: a decision, or work owed (a DCC assessment)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    modification_id: Mapped[int] = mapped_column(ForeignKey("modifications.id"), index=True)
    # decision | preliminary_assessment | impact_assessment | response (changeset.WAIT_KINDS)
    kind: Mapped[str] = mapped_column(String(30), default="decision")
    owner: Mapped[str] = mapped_column(String(40))
    what: Mapped[str] = mapped_column(Text)
    since: Mapped[date] = mapped_column(Date)
    due_start: Mapped[date | None] = mapped_column(Date)
    due_precision: Mapped[str | None] = mapped_column(String(10))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    # The workspace whose administrator added it; None: read from a paper, shared by all.
    workspace: Mapped[str | None] = mapped_column(String(WORKSPACE_KEY_LENGTH), index=True)

    modification: Mapped[Modification] = relationship(back_populates="decisions")
    document: Mapped[Document | None] = relationship()


class Contact(Base):
    """A person or organisation tied to a modification (its Proposer, or a follower)."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    modification_id: Mapped[int | None] = mapped_column(ForeignKey("modifications.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="proposer")  # proposer | follower
    organisation: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    slack_user_id: Mapped[str | None] = mapped_column(String(40), index=True)
    teams_user_id: Mapped[str | None] = mapped_column(String(200))
    # Whose chat users the ids above are (storage.tenancy_models).
    workspace: Mapped[str] = workspace_column()


class Subscription(Base):
    """A channel or a person that wants reminders about a topic."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint(
            "workspace", "surface", "channel", "topic", "value", name="uq_subscriptions_key"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    surface: Mapped[str] = mapped_column(String(10), default="slack")  # slack | teams | console
    channel: Mapped[str] = mapped_column(String(200), index=True)
    topic: Mapped[str] = mapped_column(String(20))  # all | meetings | deadlines | ref | release
    value: Mapped[str] = mapped_column(String(80), default="")
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    workspace: Mapped[str] = workspace_column()
    # How its change notices read (storage.subscription_options, migration 0011): "full", or
    # "condensed" (one line a change); broadcast: stage changes also go to the channel.
    format: Mapped[str] = mapped_column(String(10), default="full", server_default="full")
    broadcast: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AuditEntry(Base):
    """Who changed what and when, for administrator commands and applied change sets."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    workspace: Mapped[str] = workspace_column()


class Closure(Base):
    """A day SECAS is closed beyond weekends and bank holidays; not a Working Day."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(200), default="SECAS closure")
    added_by: Mapped[str | None] = mapped_column(String(100))


class MeetingChange(Base):
    """An administrator's exception to a meeting rule: move, cancel, or add one meeting."""

    __tablename__ = "meeting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The rule occurrence replaced (year, month); null for an ad hoc extra meeting.
    occurrence_year: Mapped[int | None] = mapped_column(Integer)
    occurrence_month: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # move | cancel | add
    day: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str | None] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SlackEventReceipt(Base):
    """An Events API delivery already handled, so Slack's retries cause no second effect."""

    __tablename__ = "slack_event_receipts"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
