"""Queries over the facts beyond status and scope: decisions taken, SEC versions, consultations,
waits (decisions and work owed, such as the DCC's assessments) and release candidates.

Every function takes keyword-only arguments and an ``as_of`` day: only what a document had said by
that day is returned (a fact's ``as_of`` is the date of the document it came from).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from sec.lifecycle import ScopeState
from storage.fact_models import (
    Consultation,
    Outcome,
    ReleaseCandidate,
    SecVersion,
    SecVersionChange,
)
from storage.ingest.changeset_facts import OUTCOME_BODIES, OUTCOME_RESULTS, WAIT_KINDS
from storage.models import Decision, Modification, Release, ScopeEntry

__all__ = [
    "OUTCOME_BODIES",
    "OUTCOME_RESULTS",
    "WAIT_KINDS",
    "WAIT_KIND_WORDS",
    "get_sec_version",
    "implemented_as_of",
    "list_candidacies",
    "list_consultations",
    "list_outcomes",
    "list_release_candidates",
    "list_sec_versions",
    "list_versions_implementing",
    "list_waits",
]

# How people name the kinds of wait ("waiting:ia"), for the understanding layer.
WAIT_KIND_WORDS = {
    "ia": "impact_assessment",
    "impact assessment": "impact_assessment",
    "pa": "preliminary_assessment",
    "preliminary assessment": "preliminary_assessment",
    "decision": "decision",
    "response": "response",
}


def list_outcomes(
    session: Session, *, as_of: date, modification: Modification | None = None
) -> list[Outcome]:
    """Decisions taken (who, what, when), known on the day, oldest first."""
    stmt = (
        select(Outcome)
        .options(selectinload(Outcome.modification), selectinload(Outcome.document))
        .where(
            Outcome.as_of <= as_of, or_(Outcome.decided_on.is_(None), Outcome.decided_on <= as_of)
        )
        .order_by(Outcome.decided_on.is_(None), Outcome.decided_on, Outcome.as_of, Outcome.id)
    )
    if modification is not None:
        stmt = stmt.where(Outcome.modification_id == modification.id)
    return list(session.scalars(stmt))


def list_sec_versions(session: Session, *, as_of: date) -> list[SecVersion]:
    """SEC versions known on the day, by effective date (undated last)."""
    stmt = (
        select(SecVersion)
        .options(selectinload(SecVersion.implements).selectinload(SecVersionChange.modification))
        .where(SecVersion.as_of <= as_of)
        .order_by(SecVersion.effective.is_(None), SecVersion.effective, SecVersion.number)
    )
    return list(session.scalars(stmt))


def get_sec_version(session: Session, *, number: str, as_of: date) -> SecVersion | None:
    """The SEC version with this number ("5.5"), if known on the day."""
    stmt = (
        select(SecVersion)
        .options(selectinload(SecVersion.implements).selectinload(SecVersionChange.modification))
        .where(SecVersion.number == number.strip(), SecVersion.as_of <= as_of)
    )
    return session.scalar(stmt)


def implemented_as_of(version: SecVersion, *, as_of: date) -> list[Modification]:
    """The modifications a version implemented, as known on the day, in reference order."""
    mods = [link.modification for link in version.implements if link.as_of <= as_of]
    return sorted(mods, key=lambda mod: (mod.number, mod.letter))


def list_versions_implementing(
    session: Session, *, modification: Modification, as_of: date
) -> list[SecVersion]:
    """The SEC versions that implemented a modification, known on the day."""
    stmt = (
        select(SecVersion)
        .join(SecVersionChange, SecVersionChange.version_id == SecVersion.id)
        .where(
            SecVersionChange.modification_id == modification.id,
            SecVersionChange.as_of <= as_of,
        )
        .order_by(SecVersion.effective)
    )
    return list(session.scalars(stmt))


def list_consultations(
    session: Session,
    *,
    as_of: date,
    open_only: bool = False,
    modification: Modification | None = None,
) -> list[Consultation]:
    """Consultations known on the day, by closing date; ``open_only``: not yet closed that day."""
    stmt = (
        select(Consultation)
        .options(selectinload(Consultation.modification), selectinload(Consultation.document))
        .where(Consultation.as_of <= as_of)
        .order_by(Consultation.closes, Consultation.id)
    )
    if open_only:
        stmt = stmt.where(Consultation.closes >= as_of)
    if modification is not None:
        stmt = stmt.where(Consultation.modification_id == modification.id)
    return list(session.scalars(stmt))


def list_waits(
    session: Session,
    *,
    as_of: date,
    kind: str | None = None,
    owner: str | None = None,
    modification: Modification | None = None,
    modifications: list[Modification] | None = None,
) -> list[Decision]:
    """What modifications wait on, open on the day: decisions, and work owed (``WAIT_KINDS``).

    ``kind`` ("impact_assessment"...) and ``owner`` ("DCC"...) narrow it; oldest first.
    """
    if kind is not None and kind not in WAIT_KINDS:
        raise ValueError(f"unknown wait kind {kind!r}; one of {', '.join(WAIT_KINDS)}")
    stmt = (
        select(Decision)
        .options(selectinload(Decision.modification), selectinload(Decision.document))
        .where(
            Decision.since <= as_of,
            or_(Decision.resolved_on.is_(None), Decision.resolved_on > as_of),
        )
        .order_by(Decision.since, Decision.id)
    )
    if kind is not None:
        stmt = stmt.where(Decision.kind == kind)
    if owner is not None:
        stmt = stmt.where(Decision.owner == owner)
    if modification is not None:
        stmt = stmt.where(Decision.modification_id == modification.id)
    if modifications is not None:
        stmt = stmt.where(Decision.modification_id.in_([m.id for m in modifications]))
    return list(session.scalars(stmt))


def list_release_candidates(
    session: Session, *, release: Release, as_of: date
) -> list[ReleaseCandidate]:
    """A release's candidates known on the day and not (yet) in its scope then, by reference."""
    scoped = select(ScopeEntry.modification_id).where(
        ScopeEntry.release_id == release.id,
        ScopeEntry.state != ScopeState.REMOVED.value,
        or_(ScopeEntry.as_of.is_(None), ScopeEntry.as_of <= as_of),
    )
    stmt = (
        select(ReleaseCandidate)
        .options(selectinload(ReleaseCandidate.modification))
        .join(ReleaseCandidate.modification)
        .where(
            ReleaseCandidate.release_id == release.id,
            ReleaseCandidate.as_of <= as_of,
            ReleaseCandidate.modification_id.not_in(scoped),
        )
        .order_by(Modification.number, Modification.letter)
    )
    return list(session.scalars(stmt))


def list_candidacies(
    session: Session, *, modification: Modification, as_of: date
) -> list[ReleaseCandidate]:
    """The releases a modification was named a candidate for, known on the day."""
    stmt = (
        select(ReleaseCandidate)
        .options(selectinload(ReleaseCandidate.release))
        .join(ReleaseCandidate.release)
        .where(
            ReleaseCandidate.modification_id == modification.id,
            ReleaseCandidate.as_of <= as_of,
        )
        .order_by(Release.go_live)
    )
    return list(session.scalars(stmt))
