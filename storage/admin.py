"""What administrators change by hand, each change recorded in the audit log with who and when.

Audit rows, Proposer links and added decisions belong to the workspace they were made in
(storage.tenancy_models); closures and meeting changes are SECAS's, shared by every workspace.
Closures and meeting changes are read back by storage.calendar_store (get_schedule); the
modifications a Slack user is tied to (as Proposer or follower) are read here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sec.meetings import MeetingKind
from sec.vague_dates import VagueDate
from storage.models import (
    AuditEntry,
    Closure,
    Contact,
    Decision,
    MeetingChange,
    Milestone,
    Modification,
    StatusEntry,
)
from storage.tenancy_models import DEFAULT_WORKSPACE


def create_audit_entry(
    session: Session,
    *,
    actor: str,
    action: str,
    detail: dict[str, Any],
    at: datetime,
    workspace: str = DEFAULT_WORKSPACE,
) -> AuditEntry:
    """Record who did what and when, in the workspace's log."""
    entry = AuditEntry(at=at, actor=actor, action=action, detail=detail, workspace=workspace)
    session.add(entry)
    return entry


def list_audit_entries(
    session: Session, *, limit: int = 20, workspace: str | None = None
) -> list[AuditEntry]:
    """The latest audit entries (of one workspace, or all: None), newest first."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if workspace is not None:
        stmt = stmt.where(AuditEntry.workspace == workspace)
    return list(session.scalars(stmt))


def update_status(
    session: Session,
    *,
    modification: Modification,
    stage: str,
    status: str,
    as_of: date,
    recorded_by: str,
) -> StatusEntry:
    """Set a modification's stage and status as of a day, keeping the old ones in its history."""
    entry = StatusEntry(
        modification=modification, as_of=as_of, stage=stage, status=status, recorded_by=recorded_by
    )
    session.add(entry)
    modification.stage = stage
    modification.status = status
    modification.status_as_of = as_of
    return entry


def create_milestone(
    session: Session,
    *,
    modification: Modification,
    kind: str,
    when: VagueDate,
    text: str,
    as_of: date,
) -> Milestone:
    """Add a dated milestone, keeping the precision it was given with."""
    milestone = Milestone(
        modification=modification,
        kind=kind,
        start=when.start,
        precision=str(when.precision),
        text=text,
        as_of=as_of,
        superseded=False,
    )
    session.add(milestone)
    return milestone


def set_proposer_slack_user(
    session: Session,
    *,
    modification: Modification,
    slack_user_id: str,
    workspace: str = DEFAULT_WORKSPACE,
) -> tuple[Contact, bool]:
    """Tie the modification's Proposer contact in this workspace to a Slack user; True when
    the contact is new (another workspace's link is never touched)."""
    stmt = select(Contact).where(
        Contact.modification_id == modification.id,
        Contact.role == "proposer",
        Contact.workspace == workspace,
    )
    contact = session.scalars(stmt.order_by(Contact.id)).first()
    if contact is not None:
        contact.slack_user_id = slack_user_id
        return contact, False
    contact = Contact(
        modification_id=modification.id,
        role="proposer",
        organisation=modification.proposer,
        slack_user_id=slack_user_id,
        workspace=workspace,
    )
    session.add(contact)
    return contact, True


def create_decision(
    session: Session,
    *,
    modification: Modification,
    owner: str,
    what: str,
    since: date,
    due: VagueDate | None = None,
    workspace: str | None = None,
) -> Decision:
    """Record a decision that waits on someone, keeping the due date's precision; an
    administrator's carries their workspace (only it sees and resolves the decision)."""
    decision = Decision(
        workspace=workspace,
        modification=modification,
        owner=owner,
        what=what,
        since=since,
        due_start=due.start if due else None,
        due_precision=str(due.precision) if due else None,
    )
    session.add(decision)
    session.flush()  # the id is what people type to resolve it
    return decision


def create_closure(
    session: Session, *, day: date, reason: str, added_by: str
) -> tuple[Closure, bool]:
    """Mark a day as a SECAS closure; False (and the existing row) when it already was one."""
    existing = session.scalar(select(Closure).where(Closure.day == day))
    if existing is not None:
        return existing, False
    closure = Closure(day=day, reason=reason, added_by=added_by)
    session.add(closure)
    return closure, True


def create_meeting_change(
    session: Session,
    *,
    kind: MeetingKind,
    occurrence: tuple[int, int],
    action: str,
    day: date | None,
    note: str,
    added_by: str,
    at: datetime,
) -> MeetingChange:
    """Move or cancel one meeting of a series (the occurrence is its rule month)."""
    year, month = occurrence
    change = MeetingChange(
        kind=kind.value,
        occurrence_year=year,
        occurrence_month=month,
        action=action,
        day=day,
        note=note,
        added_by=added_by,
        added_at=at,
    )
    session.add(change)
    return change


def list_modifications_for_slack_user(
    session: Session, *, slack_user_id: str, workspace: str | None = None
) -> list[tuple[Modification, str]]:
    """The modifications a Slack user proposes or follows (in one workspace, when given),
    with the role, by reference."""
    stmt = (
        select(Modification, Contact.role)
        .join(Contact, Contact.modification_id == Modification.id)
        .where(Contact.slack_user_id == slack_user_id)
        .order_by(Modification.number, Modification.letter)
    )
    if workspace is not None:
        stmt = stmt.where(Contact.workspace == workspace)
    seen: dict[int, tuple[Modification, str]] = {}
    for mod, role in session.execute(stmt):
        if mod.id not in seen or role == "proposer":
            seen[mod.id] = (mod, role)
    return list(seen.values())
