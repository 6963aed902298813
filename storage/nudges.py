"""Queries for nudges: open decisions waiting on a Proposer, who speaks for them, and the
follow-up state (storage.nudge_models.DecisionFollowUp) of each decision.

Every change that must happen once (a weekly occurrence, an escalation, closing a decision) is a
guarded UPDATE whose row count says whether this caller made it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from sec.lifecycle import Owner
from storage.delivery_models import Delivery
from storage.models import Contact, Decision, Modification, Subscription
from storage.nudge_models import DecisionFollowUp
from storage.queries import list_open_decisions

NUDGE_KIND = "nudge"
Address = tuple[str, str]  # (surface, Slack user or channel id / Teams id)


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def get_decision(session: Session, *, decision_id: int) -> Decision | None:
    """A decision with its modification loaded."""
    stmt = (
        select(Decision)
        .options(selectinload(Decision.modification))
        .where(Decision.id == decision_id)
    )
    return session.scalar(stmt)


def get_follow_up(session: Session, *, decision_id: int) -> DecisionFollowUp | None:
    return session.scalar(
        select(DecisionFollowUp).where(DecisionFollowUp.decision_id == decision_id)
    )


def ensure_follow_ups(
    session: Session, *, decision_ids: Collection[int]
) -> dict[int, DecisionFollowUp]:
    """The follow-up rows of these decisions, created where missing (safe when racing)."""
    if decision_ids:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        values = [
            {
                "decision_id": i,
                "nudges_sent": 0,
                "unanswered": 0,
                "handed_back_told": False,
                "decided_told": False,
            }
            for i in sorted(set(decision_ids))
        ]
        session.execute(insert(DecisionFollowUp).values(values).on_conflict_do_nothing())
    stmt = select(DecisionFollowUp).where(DecisionFollowUp.decision_id.in_(list(decision_ids)))
    return {row.decision_id: row for row in session.scalars(stmt)}


def ensure_follow_up(session: Session, *, decision_id: int) -> DecisionFollowUp:
    return ensure_follow_ups(session, decision_ids=[decision_id])[decision_id]


def list_nudgeable_decisions(session: Session, *, as_of: date) -> list[Decision]:
    """Open decisions waiting on a Proposer on the day, not closed through secbot, oldest first."""
    closed = select(DecisionFollowUp.decision_id).where(DecisionFollowUp.decided_at.is_not(None))
    closed_ids = set(session.scalars(closed))
    return [
        d
        for d in list_open_decisions(session, as_of=as_of)
        if d.owner == Owner.PROPOSER and d.id not in closed_ids
    ]


def claim_occurrence(session: Session, *, decision_id: int, day: date) -> bool:
    """Take the weekly occurrence ``day`` for a decision; False when already dealt with."""
    stmt = (
        update(DecisionFollowUp)
        .where(
            DecisionFollowUp.decision_id == decision_id,
            or_(DecisionFollowUp.last_occurrence.is_(None), DecisionFollowUp.last_occurrence < day),
        )
        .values(last_occurrence=day)
        .execution_options(synchronize_session="fetch")
    )
    return _rowcount(session.execute(stmt)) == 1


def record_nudge(session: Session, *, follow_up: DecisionFollowUp, day: date) -> None:
    """One more nudge sent, and so one more unanswered."""
    follow_up.nudges_sent = (follow_up.nudges_sent or 0) + 1
    follow_up.unanswered = (follow_up.unanswered or 0) + 1
    follow_up.last_nudged_on = day


def mark_escalated(session: Session, *, decision_id: int, day: date, reason: str) -> bool:
    """Note the escalation; False when the decision was already escalated (it happens once)."""
    stmt = (
        update(DecisionFollowUp)
        .where(DecisionFollowUp.decision_id == decision_id, DecisionFollowUp.escalated_on.is_(None))
        .values(escalated_on=day, escalation_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    return _rowcount(session.execute(stmt)) == 1


def record_answer(follow_up: DecisionFollowUp, *, answer: str, by: str, at: datetime) -> None:
    """Any button press answers the nudges so far."""
    follow_up.unanswered = 0
    follow_up.last_answer = answer
    follow_up.last_answered_by = by
    follow_up.last_answered_at = at


def resolve_decision(
    session: Session, *, decision_id: int, resolution: str, by: str, on: date
) -> bool:
    """Close an open decision; False when it was already closed (so it closes once)."""
    stmt = (
        update(Decision)
        .where(Decision.id == decision_id, Decision.resolved_on.is_(None))
        .values(resolved_on=on, resolution=resolution, resolved_by=by)
        .execution_options(synchronize_session="fetch")
    )
    return _rowcount(session.execute(stmt)) == 1


def list_proposer_people(session: Session, *, modification_id: int) -> list[Address]:
    """Who speaks for the Proposer in chat: Slack users and Teams users of its Proposer contacts."""
    stmt = select(Contact).where(
        Contact.modification_id == modification_id, Contact.role == "proposer"
    )
    found: list[Address] = []
    for contact in session.scalars(stmt.order_by(Contact.id)):
        if contact.slack_user_id:
            found.append(("slack", contact.slack_user_id))
        if contact.teams_user_id:
            found.append(("teams", contact.teams_user_id))
    return found


def clear_person(
    session: Session, *, user_id: str, modification_id: int | None = None, surface: str = "slack"
) -> int:
    """Unlink a chat user from contacts (of one modification, or all); how many were unlinked."""
    column = Contact.slack_user_id if surface == "slack" else Contact.teams_user_id
    stmt = update(Contact).where(column == user_id)
    if modification_id is not None:
        stmt = stmt.where(Contact.modification_id == modification_id, Contact.role == "proposer")
    values = {"slack_user_id": None} if surface == "slack" else {"teams_user_id": None}
    result = session.execute(stmt.values(**values).execution_options(synchronize_session="fetch"))
    return _rowcount(result)


def list_contacts_to_look_up(
    session: Session, *, modification_ids: Collection[int]
) -> list[Contact]:
    """Proposer contacts with an e-mail address and no Slack user yet."""
    if not modification_ids:
        return []
    stmt = select(Contact).where(
        Contact.modification_id.in_(list(modification_ids)),
        Contact.role == "proposer",
        Contact.email.is_not(None),
        Contact.slack_user_id.is_(None),
    )
    return list(session.scalars(stmt.order_by(Contact.id)))


def list_handed_back_by(session: Session, *, modification_id: int) -> set[str]:
    """People who said "Not me" about any decision of the modification."""
    stmt = (
        select(DecisionFollowUp.handed_back_by)
        .join(Decision, Decision.id == DecisionFollowUp.decision_id)
        .where(Decision.modification_id == modification_id)
    )
    return {by for by in session.scalars(stmt) if by}


def list_audience(
    session: Session, *, modification: Modification, surfaces: Iterable[str]
) -> set[Address]:
    """Who hears that a decision was made: followers, and subscribers to the ref or to "all"."""
    wanted = set(surfaces)
    found: set[Address] = set()
    stmt = select(Contact).where(
        Contact.modification_id == modification.id, Contact.role == "follower"
    )
    for contact in session.scalars(stmt):
        if contact.slack_user_id:
            found.add(("slack", contact.slack_user_id))
        if contact.teams_user_id:
            found.add(("teams", contact.teams_user_id))
    subs = select(Subscription.surface, Subscription.channel).where(
        or_(
            Subscription.topic == "all",
            (Subscription.topic == "ref") & (Subscription.value == modification.ref),
        )
    )
    found.update((surface, channel) for surface, channel in session.execute(subs))
    return {address for address in found if address[0] in wanted}


def list_untold_decided(session: Session) -> list[DecisionFollowUp]:
    """Decisions closed through secbot whose followers have not been told yet."""
    stmt = (
        select(DecisionFollowUp)
        .options(selectinload(DecisionFollowUp.decision).selectinload(Decision.modification))
        .where(DecisionFollowUp.decided_at.is_not(None), DecisionFollowUp.decided_told.is_(False))
        .order_by(DecisionFollowUp.decided_at)
    )
    return list(session.scalars(stmt))


def list_untold_hand_backs(session: Session) -> list[DecisionFollowUp]:
    """Decisions handed back ("Not me") that administrators have not been told about."""
    stmt = (
        select(DecisionFollowUp)
        .options(selectinload(DecisionFollowUp.decision).selectinload(Decision.modification))
        .where(
            DecisionFollowUp.handed_back_on.is_not(None),
            DecisionFollowUp.handed_back_told.is_(False),
        )
        .order_by(DecisionFollowUp.handed_back_on, DecisionFollowUp.id)
    )
    return list(session.scalars(stmt))


def list_dead_nudges(session: Session, *, due_from: datetime) -> list[Delivery]:
    """Nudge deliveries that were given up on (for example, the person left the workspace)."""
    stmt = (
        select(Delivery)
        .where(Delivery.kind == NUDGE_KIND, Delivery.state == "dead", Delivery.due_at >= due_from)
        .order_by(Delivery.id)
    )
    return list(session.scalars(stmt))


def list_decisions_for_person(session: Session, *, user_id: str, as_of: date) -> list[Decision]:
    """Open decisions waiting on a Proposer this chat user speaks for, oldest first."""
    stmt = select(Contact.modification_id).where(
        Contact.role == "proposer",
        or_(Contact.slack_user_id == user_id, Contact.teams_user_id == user_id),
    )
    mine = {mod_id for mod_id in session.scalars(stmt) if mod_id is not None}
    return [
        d
        for d in list_open_decisions(session, as_of=as_of)
        if d.owner == Owner.PROPOSER and d.modification_id in mine
    ]
