"""Answers to nudges, shared by Slack and Teams: Decision made, Snooze and Not me.

``handle_nudge_action`` is what both surfaces call when someone answers a nudge about a pending
decision. Only the people who speak for the Proposer (the Proposer contacts' Slack or Teams
users) and administrators may answer. Everything here is a change to the store; what others
must hear (followers, subscribed channels, administrators) is picked up from the decision's
follow-up row by the worker's nudge job and sent through the outbox, once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.escaping import truncate
from bot.views import Answer, message
from sec.timefmt import LONDON, uk_date
from storage import admin
from storage import nudges as store
from storage.models import Decision

ACTIONS = {"decision_made": "Decision made", "snooze": "Snooze", "not_me": "Not me"}
SNOOZE_DAYS = 7
MAX_SNOOZE_DAYS = 366
MAX_NOTE = 2000


def handle_nudge_action(
    session: Session,
    *,
    decision_id: int,
    action: str,
    actor: str | None,
    at: datetime,
    note: str | None = None,
    until: date | None = None,
    is_admin: bool = False,
    workspace: str | None = None,
) -> Answer:
    """Answer a nudge button for the person who pressed it.

    note: what was decided (Decision made; required) or why it is not them (Not me; optional).
    until: the last quiet day of a snooze (default a week from today).
    workspace: the presser's workspace key; a decision another workspace's administrator added
    is not theirs to answer (None: not checked, the console and the command line).
    """
    decision = store.get_decision(session, decision_id=decision_id)
    if decision is None or not in_workspace(decision, workspace):
        return message(
            f"I can't find decision {decision_id}; it may have been removed.",
            "pending",
            kind="not_found",
        )
    problem = check_answerable(session, decision, actor=actor, is_admin=is_admin)
    if problem is not None or actor is None:
        return problem or message("I can't tell who pressed that.", kind="refusal")
    if action == "decision_made":
        return decision_made(session, decision, resolution=note or "", actor=actor, at=at)
    if action == "snooze":
        return snooze(session, decision, actor=actor, at=at, until=until)
    if action == "not_me":
        return not_me(session, decision, actor=actor, at=at, note=note or "")
    return message(f"I don't know the answer “{action}” to a nudge.", kind="usage")


def in_workspace(decision: Decision, workspace: str | None) -> bool:
    """A decision read from a paper (no workspace) is everyone's; one an administrator added
    belongs to that administrator's workspace."""
    return workspace is None or decision.workspace is None or decision.workspace == workspace


def local_day(at: datetime) -> date:
    """The day in London when something happened."""
    return at.astimezone(LONDON).date()


def check_answerable(
    session: Session, decision: Decision, *, actor: str | None, is_admin: bool
) -> Answer | None:
    """Why this person cannot answer for the decision now, or None when they can."""
    ref = decision.modification.ref
    if decision.resolved_on is not None:
        by = f" by {decision.resolved_by}" if decision.resolved_by else ""
        return message(
            f"The decision on {ref} was already closed on "
            f"{uk_date(decision.resolved_on)}{by}: {decision.resolution or '—'}",
            f"status {ref}",
            kind="closed",
        )
    if is_admin:
        return None
    people = {
        address
        for _, address in store.list_proposer_people(
            session, modification_id=decision.modification_id
        )
    }
    if actor is None or actor not in people:
        return message(
            f"Only the person who speaks for the Proposer of {ref}, or a secbot "
            "administrator, can answer for this decision.",
            kind="refusal",
        )
    return None


def decision_made(
    session: Session, decision: Decision, *, resolution: str, actor: str, at: datetime
) -> Answer:
    """Close the decision with what was decided, record it in the history and the audit log."""
    text = truncate(resolution.strip(), MAX_NOTE)
    mod = decision.modification
    if not text:
        return message(
            f"Please say what was decided on {mod.ref}, then press Decision made again.",
            kind="usage",
        )
    day = local_day(at)
    if not store.resolve_decision(
        session, decision_id=decision.id, resolution=text, by=actor, on=day
    ):
        session.refresh(decision)
        closed = check_answerable(session, decision, actor=actor, is_admin=True)
        return closed or message("That decision is already closed.", kind="closed")
    status = f"The {decision.owner} has decided {decision.what}: {text}"
    admin.update_status(
        session, modification=mod, stage=mod.stage, status=status, as_of=day, recorded_by=actor
    )
    follow_up = store.ensure_follow_up(session, decision_id=decision.id)
    follow_up.decided_at, follow_up.decided_told = at, False
    store.record_answer(follow_up, answer="decision_made", by=actor, at=at)
    _audit(session, actor, at, "decision-made", decision, resolution=text)
    return message(
        f"Thank you. The decision on {mod.ref} is closed: {text}. Its followers and "
        "subscribed channels will hear of it.",
        f"status {mod.ref}",
        ok=True,
    )


def snooze(
    session: Session, decision: Decision, *, actor: str, at: datetime, until: date | None
) -> Answer:
    """No nudges about the decision on or before ``until`` (default: a week from today)."""
    day = local_day(at)
    until = until or day + timedelta(days=SNOOZE_DAYS)
    ref = decision.modification.ref
    if until <= day:
        return message("Pick a day after today to snooze until.", kind="usage")
    if until > day + timedelta(days=MAX_SNOOZE_DAYS):
        return message("Snoozing is for a year at most; pick an earlier day.", kind="usage")
    follow_up = store.ensure_follow_up(session, decision_id=decision.id)
    follow_up.snoozed_until = until
    store.record_answer(follow_up, answer="snooze", by=actor, at=at)
    _audit(session, actor, at, "nudge-snooze", decision, until=until.isoformat())
    return message(f"Snoozed: no nudges about {ref} until after {uk_date(until)}.", ok=True)


def not_me(session: Session, decision: Decision, *, actor: str, at: datetime, note: str) -> Answer:
    """Hand the decision back to the administrators and unlink this person from the Proposer."""
    follow_up = store.ensure_follow_up(session, decision_id=decision.id)
    follow_up.handed_back_on = local_day(at)
    follow_up.handed_back_by = actor
    follow_up.handed_back_note = truncate(note.strip(), MAX_NOTE) or None
    follow_up.handed_back_told = False
    follow_up.snoozed_until = None
    store.record_answer(follow_up, answer="not_me", by=actor, at=at)
    mod = decision.modification
    for surface in ("slack", "teams"):
        store.clear_person(session, user_id=actor, modification_id=mod.id, surface=surface)
    _audit(session, actor, at, "nudge-not-me", decision, note=follow_up.handed_back_note or "")
    return message(
        f"Thanks for saying. {mod.ref} goes back to the SECAS administrators to find "
        "the right person; you won't be nudged about it again.",
        ok=True,
    )


def _audit(
    session: Session, actor: str, at: datetime, action: str, decision: Decision, **detail: str
) -> None:
    admin.create_audit_entry(
        session,
        actor=actor,
        action=action,
        detail={"decision_id": decision.id, "ref": decision.modification.ref, **detail},
        at=at,
    )
