"""What the nudge job tells people besides the Proposer, each through the outbox, once:

- decision made (through secbot): the modification's followers and the channels subscribed to
  its reference or to "all" (key ``decided:<id>``);
- handed back ("Not me"): the administrators, with the person's note;
- escalated (three unanswered nudges, or the due date passed): the administrators, once per
  decision (``nudge-escalation:<id>``);
- nobody to nudge: the administrators, one list per weekly occurrence;
- undeliverable (the nudge's outbox row went dead, e.g. ``user_not_found``): the
  administrators; a person Slack no longer knows is unlinked from every contact.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from jobs.context import JobContext
from jobs.payloads import SUPPORTED_SURFACES, build_payload
from sec.timefmt import LONDON
from sec.vague_dates import Precision, VagueDate
from sec.workdays import WorkingCalendar
from storage import nudges as store
from storage.admin import create_audit_entry
from storage.calendar_store import get_working_calendar
from storage.db import transaction
from storage.models import Decision
from storage.nudges import Address
from storage.outbox import NewDelivery, enqueue_deliveries

log = logging.getLogger(__name__)

WEB_BASE = "https://smartenergycodecompany.co.uk/modifications/"  # as bot.views.WEB_BASE
# Dead-letter reasons meaning the person is gone, not that Slack had a bad moment.
UNREACHABLE = frozenset({"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot"})
ACTOR = "secbot"


def surfaces(ctx: JobContext) -> set[str]:
    """Surfaces this worker can send to (rows for others would never go)."""
    return set(ctx.senders) & set(SUPPORTED_SURFACES)


def admin_target(ctx: JobContext, admin: Address | None) -> Address | None:
    """The administrators' channel, when it is set and its surface has a sender."""
    return admin if admin is not None and admin[0] in surfaces(ctx) else None


def due_of(decision: Decision) -> VagueDate | None:
    if decision.due_start is None:
        return None
    return VagueDate(decision.due_start, Precision(decision.due_precision or "day"))


def decision_context(decision: Decision, *, day: date, calendar: WorkingCalendar) -> dict[str, Any]:
    """What every nudge template says about a decision, as of a day."""
    mod, due = decision.modification, due_of(decision)
    return {
        "decision_id": decision.id,
        "ref": mod.ref,
        "title": mod.title,
        "url": f"{WEB_BASE}{mod.slug}/" if mod.slug else None,
        "owner": decision.owner,
        "what": decision.what,
        "since": decision.since,
        "age": max(0, calendar.working_days_between(decision.since, day)),
        "due": due.describe() if due else None,
        "due_passed": bool(due and due.end < day),
        "day": day,
    }


def enqueue(
    ctx: JobContext,
    session: Session,
    *,
    key: str,
    kind: str,
    targets: Iterable[Address],
    due_at: datetime,
    context: Mapping[str, Any],
) -> int:
    """One row per target on a surface we can send to, the payload rendered once per surface."""
    usable = sorted({t for t in targets if t[0] in surfaces(ctx)})
    payloads: dict[str, dict[str, Any]] = {}
    rows = []
    for surface, address in usable:
        if surface not in payloads:
            payloads[surface] = build_payload(
                ctx.render,
                template="nudge",
                surface=surface,
                key=key,
                due_at=due_at,
                context=context,
            )
        rows.append(NewDelivery(key, kind, surface, address, due_at, dict(payloads[surface])))
    return enqueue_deliveries(session, rows=rows, now=ctx.wall_clock())


def escalate(
    ctx: JobContext,
    session: Session,
    decision: Decision,
    *,
    target: Address | None,
    reason: str,
    context: Mapping[str, Any],
    due_at: datetime,
) -> int:
    """Tell the administrators once that a decision is stuck; 0 when it was told before."""
    if target is None:
        return 0
    day = due_at.astimezone(LONDON).date()
    if not store.mark_escalated(session, decision_id=decision.id, day=day, reason=reason):
        return 0
    people = [
        a for _, a in store.list_proposer_people(session, modification_id=decision.modification_id)
    ]
    return enqueue(
        ctx,
        session,
        key=f"nudge-escalation:{decision.id}",
        kind="nudge_escalation",
        targets=[target],
        due_at=due_at,
        context={**context, "kind": "nudge_escalation", "reason": reason, "people": people},
    )


def tell_unassigned(
    ctx: JobContext,
    session: Session,
    contexts: list[dict[str, Any]],
    *,
    target: Address | None,
    day: date,
    due_at: datetime,
) -> int:
    """One list a week of the decisions nobody can be nudged about."""
    if target is None or not contexts:
        return 0
    context = {"kind": "nudge_unassigned", "day": day, "decisions": contexts}
    return enqueue(
        ctx,
        session,
        key=f"nudge-unassigned:{day.isoformat()}",
        kind="nudge_unassigned",
        targets=[target],
        due_at=due_at,
        context=context,
    )


def escalate_overdue(ctx: JobContext, now: datetime, admin: Address | None) -> int:
    """Open decisions whose due date has passed: the administrators hear of each once."""
    target = admin_target(ctx, admin)
    if target is None:
        return 0
    today, told = now.astimezone(LONDON).date(), 0
    with transaction(ctx.sessions) as session:
        late = [
            d
            for d in store.list_nudgeable_decisions(session, as_of=today)
            if (due := due_of(d)) is not None and due.end < today
        ]
        follow_ups = store.ensure_follow_ups(session, decision_ids=[d.id for d in late])
        late = [d for d in late if follow_ups[d.id].escalated_on is None]
        calendar = get_working_calendar(session) if late else WorkingCalendar()
        for decision in late:
            context = decision_context(decision, day=today, calendar=calendar)
            reason = f"its due date ({context['due']}) has passed"
            told += escalate(
                ctx, session, decision, target=target, reason=reason, context=context, due_at=now
            )
    return told


def announce_decided(ctx: JobContext, now: datetime, admin: Address | None) -> int:
    """Followers and subscribed channels hear of each decision closed through secbot, once."""
    told = 0
    with transaction(ctx.sessions) as session:
        untold = store.list_untold_decided(session)
        calendar = get_working_calendar(session) if untold else WorkingCalendar()
        for follow_up in untold:
            decision = follow_up.decision
            targets = store.list_audience(
                session, modification=decision.modification, surfaces=surfaces(ctx)
            )
            target = admin_target(ctx, admin)
            if target and (follow_up.escalated_on or follow_up.handed_back_on):
                targets.add(target)  # they were told of the trouble; tell them it is over
            by = decision.resolved_by or ""
            targets -= {("slack", by), ("teams", by)}  # who closed it knows
            day = decision.resolved_on or now.astimezone(LONDON).date()
            context = {
                **decision_context(decision, day=day, calendar=calendar),
                "kind": "decision_made",
                "resolution": decision.resolution or "",
                "by": by,
                "on": day,
            }
            told += enqueue(
                ctx,
                session,
                key=f"decided:{decision.id}",
                kind="decision_made",
                targets=targets,
                due_at=now,
                context=context,
            )
            follow_up.decided_told = True
    return told


def report_hand_backs(ctx: JobContext, now: datetime, admin: Address | None) -> int:
    """Each "Not me" reaches the administrators with the person's note."""
    target = admin_target(ctx, admin)
    if target is None:
        return 0
    told = 0
    with transaction(ctx.sessions) as session:
        untold = store.list_untold_hand_backs(session)
        calendar = get_working_calendar(session) if untold else WorkingCalendar()
        for follow_up in untold:
            decision, day = follow_up.decision, follow_up.handed_back_on or now.date()
            context = {
                **decision_context(decision, day=day, calendar=calendar),
                "kind": "nudge_handed_back",
                "by": follow_up.handed_back_by or "",
                "note": follow_up.handed_back_note or "",
            }
            key = f"nudge-handed-back:{decision.id}:{day.isoformat()}:{follow_up.handed_back_by}"
            told += enqueue(
                ctx,
                session,
                key=key,
                kind="nudge_handed_back",
                targets=[target],
                due_at=now,
                context=context,
            )
            follow_up.handed_back_told = True
    return told


def _decision_of(key: str) -> int | None:
    """The decision id in a nudge key, "nudge:<id>:<day>"."""
    parts = key.split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def report_undeliverable(ctx: JobContext, now: datetime, admin: Address | None) -> int:
    """Dead nudge rows: unlink people who are gone, and tell the administrators (no retries)."""
    target, told = admin_target(ctx, admin), 0
    with transaction(ctx.sessions) as session:
        calendar: WorkingCalendar | None = None
        for row in store.list_dead_nudges(session, due_from=now - ctx.rules.max_lookback):
            decision_id = _decision_of(row.reminder_key)
            follow_up = store.get_follow_up(session, decision_id=decision_id or 0)
            if follow_up is None or (follow_up.last_dead_delivery_id or 0) >= row.id:
                continue
            follow_up.last_dead_delivery_id = row.id
            if row.last_error in UNREACHABLE and store.clear_person(
                session, user_id=row.recipient, surface=row.surface
            ):
                create_audit_entry(
                    session,
                    actor=ACTOR,
                    action="nudge-unlinked",
                    at=now,
                    detail={
                        "user": row.recipient,
                        "error": row.last_error,
                        "decision_id": decision_id,
                    },
                )
            if target is None:
                log.warning(
                    "nudge %s undeliverable (%s) and no SECBOT_ADMIN_CHANNEL to tell",
                    row.reminder_key,
                    row.last_error,
                )
                continue
            calendar = calendar or get_working_calendar(session)
            context = {
                **decision_context(follow_up.decision, day=now.date(), calendar=calendar),
                "kind": "nudge_undeliverable",
                "recipient": row.recipient,
                "surface": row.surface,
                "error": row.last_error or "unknown",
                "unlinked": row.last_error in UNREACHABLE,
            }
            told += enqueue(
                ctx,
                session,
                key=f"nudge-undeliverable:{row.id}",
                kind="nudge_undeliverable",
                targets=[target],
                due_at=now,
                context=context,
            )
    return told
