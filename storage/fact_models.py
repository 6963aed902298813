"""Facts the papers hold beside status and scope: outcomes, SEC versions, consultations, candidates.

Each row keeps the document it came from and ``as_of``, the day that document was true, so an
answer "as of" a day sees only what was known then (``storage.facts``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base
from storage.models import Document, Modification, Release


class Outcome(Base):
    """A decision taken on a modification: who decided, the result, and the day (not go-live)."""

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint(
            "modification_id", "body", "result", "decided_on", name="uq_outcomes_decision"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    modification_id: Mapped[int] = mapped_column(ForeignKey("modifications.id"), index=True)
    body: Mapped[str] = mapped_column(String(40))  # Change Board, Panel, CSC, Authority, BEIS...
    result: Mapped[str] = mapped_column(String(40))  # approved, rejected, withdrawn, deferred...
    decided_on: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text, default="")
    as_of: Mapped[date] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    modification: Mapped[Modification] = relationship()
    document: Mapped[Document | None] = relationship()


class SecVersion(Base):
    """A version of the Smart Energy Code, the day it took effect, and what it implemented."""

    __tablename__ = "sec_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # "5.5"
    effective: Mapped[date | None] = mapped_column(Date, index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    as_of: Mapped[date] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    document: Mapped[Document | None] = relationship()
    implements: Mapped[list[SecVersionChange]] = relationship(
        back_populates="version", cascade="all, delete-orphan"
    )


class SecVersionChange(Base):
    """A modification a SEC version implemented, as known from a document."""

    __tablename__ = "sec_version_changes"
    __table_args__ = (
        UniqueConstraint("version_id", "modification_id", name="uq_sec_version_changes_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("sec_versions.id"))
    modification_id: Mapped[int] = mapped_column(ForeignKey("modifications.id"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    version: Mapped[SecVersion] = relationship(back_populates="implements")
    modification: Mapped[Modification] = relationship()
    document: Mapped[Document | None] = relationship()


class Consultation(Base):
    """A consultation: what it asks about, when it closes, and where and how to respond."""

    __tablename__ = "consultations"
    __table_args__ = (UniqueConstraint("title", "closes", name="uq_consultations_title_closes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    modification_id: Mapped[int | None] = mapped_column(ForeignKey("modifications.id"), index=True)
    opens: Mapped[date | None] = mapped_column(Date)
    closes: Mapped[date] = mapped_column(Date, index=True)
    respond_to: Mapped[str | None] = mapped_column(String(300))
    how: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    modification: Mapped[Modification | None] = relationship()
    document: Mapped[Document | None] = relationship()


class ReleaseCandidate(Base):
    """A modification aiming at a release without being in its scope (a candidate, maybe at risk).

    Kept apart from ``ScopeEntry`` so nothing that counts a release's scope counts candidates.
    """

    __tablename__ = "release_candidates"
    __table_args__ = (
        UniqueConstraint("release_id", "modification_id", name="uq_release_candidates_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    modification_id: Mapped[int] = mapped_column(ForeignKey("modifications.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    release: Mapped[Release] = relationship()
    modification: Mapped[Modification] = relationship()
    document: Mapped[Document | None] = relationship()
