"""The nudge job: once a week, whoever speaks for a Proposer gets a direct message about each
decision waiting on them, with the buttons Decision made, Snooze and Not me.

- **When.** The configured weekday and hour (default Monday 10:00, London). A nudge day that is
  not a Working Day (a bank holiday, a closure) moves to the next Working Day. The job runs every
  minute; each decision is dealt with once per nudge day (``DecisionFollowUp.last_occurrence``),
  and each nudge is an outbox row keyed ``nudge:<decision id>:<day>``, so it goes out once. A
  nudge day missed by more than the outbox's catch-up window (24 h) is not sent late.
- **Who.** The Proposer contacts' Slack users (and Teams users, when Teams is set up). A contact
  with an e-mail address but no Slack user is looked up with ``users.lookupByEmail`` on the nudge
  day and the id stored (never someone who said "Not me"). With nobody to nudge, the decision is
  listed to the administrators instead.
- **Skipped.** Decisions raised on the nudge day itself, and snoozed ones (until the day after).
- **Escalation.** A decision whose earlier three nudges went unanswered, or whose due date has
  passed, is reported to the administrators' channel once (``jobs.nudge_notices``).

The policy (``SECBOT_NUDGE_WEEKDAY``, ``SECBOT_NUDGE_HOUR``, ``SECBOT_ADMIN_CHANNEL``) is read
once at start-up by the entry point and arrives in the job context (``ctx.nudge_policy``);
``jobs`` never reads the environment. E-mail look-ups go through ``ctx.directory``.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jobs import nudge_notices as notices
from jobs.context import JobContext
from jobs.nudge_policy import NudgePolicy
from sec.meetings import Meeting, MeetingKind
from sec.timefmt import LONDON, at_london
from sec.workdays import WorkingCalendar
from storage import nudges as store
from storage.admin import create_audit_entry
from storage.calendar_store import Schedule, get_schedule, get_working_calendar
from storage.db import transaction
from storage.models import Contact, Decision, Modification
from storage.queries import list_upcoming_milestones

log = logging.getLogger(__name__)


def nudge_day(day: date, *, weekday: int, calendar: WorkingCalendar) -> date:
    """The nudge day of the week holding ``day``: its weekday, or the next Working Day after."""
    target = day - timedelta(days=day.weekday()) + timedelta(days=weekday)
    return calendar.next_working_day(target, include_today=True)


def due_occurrence(
    now: datetime, *, policy: NudgePolicy, calendar: WorkingCalendar, catch_up: timedelta
) -> date | None:
    """The latest nudge day whose hour has come by ``now``, unless it is past catching up."""
    local = now.astimezone(LONDON).date()
    for weeks_back in (0, 1):  # a holiday can push last week's nudge day into this week
        day = nudge_day(
            local - timedelta(weeks=weeks_back), weekday=policy.weekday, calendar=calendar
        )
        due_at = at_london(day, policy.hour)
        if due_at <= now:
            return day if now - due_at <= catch_up else None
    return None


def _meeting(meeting: Meeting, day: date, why: str = "") -> dict[str, Any]:
    deadlines = (
        ("agenda closes", meeting.agenda_deadline),
        ("papers are due", meeting.papers_deadline),
    )
    label, deadline = next(
        ((n, d) for n, d in deadlines if d is not None and d >= day), (None, None)
    )
    return {
        "label": meeting.kind.label,
        "day": meeting.day,
        "deadline": deadline,
        "deadline_label": label,
        "why": why,
    }


def meeting_that_matters(
    session: Session, schedule: Schedule, modification: Modification, day: date
) -> dict[str, Any] | None:
    """The next meeting the decision holds up: one a milestone of the modification is tied to,
    or else the next Working Group whose agenda is still open."""
    for milestone in list_upcoming_milestones(session, modification=modification, as_of=day):
        meeting = schedule.meeting_for(milestone)
        if meeting is not None and meeting.day >= day:
            return _meeting(meeting, day, milestone.text or "")
    meeting = schedule.next_regular(MeetingKind.WORKING_GROUP, day)
    for _ in range(3):
        if meeting is None:
            return None
        if meeting.agenda_deadline is None or meeting.agenda_deadline >= day:
            return _meeting(meeting, day)
        meeting = schedule.next_regular(MeetingKind.WORKING_GROUP, meeting.day + timedelta(1))
    return None


def look_up_emails(ctx: JobContext, contacts: list[tuple[int, str]]) -> dict[int, str]:
    """Slack user ids found for (contact id, e-mail) pairs; outside any transaction (HTTP)."""
    if ctx.directory is None:
        return {}
    found: dict[int, str] = {}
    for contact_id, email in contacts:
        user_id = ctx.directory.lookup_by_email(email)
        if user_id:
            found[contact_id] = user_id
        else:
            log.info("no Slack user found for contact %s", contact_id)
    return found


def store_found(session: Session, found: dict[int, str], *, at: datetime) -> int:
    """Link the contacts found by e-mail, except to someone who said "Not me" about them."""
    linked = 0
    for contact_id, user_id in found.items():
        contact = session.get(Contact, contact_id)
        if contact is None or contact.slack_user_id or contact.modification_id is None:
            continue
        if user_id in store.list_handed_back_by(session, modification_id=contact.modification_id):
            continue
        contact.slack_user_id = user_id
        create_audit_entry(
            session,
            actor=notices.ACTOR,
            action="proposer-found-by-email",
            at=at,
            detail={"contact_id": contact_id, "slack_user_id": user_id},
        )
        linked += 1
    return linked


def _to_do(ctx: JobContext, day: date) -> tuple[set[int], list[tuple[int, str]]]:
    """Decisions not yet dealt with on this nudge day, and contacts to look up for them."""
    with transaction(ctx.sessions) as session:
        due = [d for d in store.list_nudgeable_decisions(session, as_of=day) if d.since < day]
        follow_ups = store.ensure_follow_ups(session, decision_ids=[d.id for d in due])
        todo = [d for d in due if (follow_ups[d.id].last_occurrence or date.min) < day]
        mods = {d.modification_id for d in todo}
        contacts = store.list_contacts_to_look_up(session, modification_ids=mods)
        return {d.id for d in todo}, [(c.id, str(c.email)) for c in contacts]


def _nudge_one(
    ctx: JobContext,
    session: Session,
    decision: Decision,
    day: date,
    policy: NudgePolicy,
    schedule: Schedule,
) -> tuple[str, dict[str, Any]]:
    """Nudge one decision on its nudge day; returns the outcome and the decision's context."""
    follow_up = store.ensure_follow_up(session, decision_id=decision.id)
    context = notices.decision_context(decision, day=day, calendar=schedule.calendar)
    if follow_up.snoozed_until is not None and day <= follow_up.snoozed_until:
        return "snoozed", context
    people = [
        p
        for p in store.list_proposer_people(session, modification_id=decision.modification_id)
        if p[0] in notices.surfaces(ctx)
    ]
    if not people:
        return "unassigned", context
    due_at = at_london(day, policy.hour)
    if follow_up.unanswered >= policy.escalate_after:
        reason = f"{follow_up.unanswered} nudges have gone unanswered"
        notices.escalate(
            ctx,
            session,
            decision,
            target=notices.admin_target(ctx, policy.admin),
            reason=reason,
            context=context,
            due_at=due_at,
        )
    nudge = {
        **context,
        "kind": "nudge",
        "number": follow_up.nudges_sent + 1,
        "meeting": meeting_that_matters(session, schedule, decision.modification, day),
    }
    notices.enqueue(
        ctx,
        session,
        key=f"nudge:{decision.id}:{day.isoformat()}",
        kind=store.NUDGE_KIND,
        targets=people,
        due_at=due_at,
        context=nudge,
    )
    store.record_nudge(session, follow_up=follow_up, day=day)
    return "nudged", context


def enqueue_weekly(ctx: JobContext, day: date, policy: NudgePolicy) -> Counter[str]:
    """Deal with every open Proposer decision once on the nudge day."""
    todo, contacts = _to_do(ctx, day)
    counts: Counter[str] = Counter()
    if not todo:
        return counts
    found = look_up_emails(ctx, contacts)
    with transaction(ctx.sessions) as session:
        counts["found_by_email"] = store_found(session, found, at=ctx.wall_clock())
        schedule = get_schedule(session)
        unassigned = []
        for decision in store.list_nudgeable_decisions(session, as_of=day):
            if decision.id not in todo or not store.claim_occurrence(
                session, decision_id=decision.id, day=day
            ):
                continue
            outcome, context = _nudge_one(ctx, session, decision, day, policy, schedule)
            counts[outcome] += 1
            if outcome == "unassigned":
                unassigned.append(context)
        counts["admin_lists"] = notices.tell_unassigned(
            ctx,
            session,
            unassigned,
            target=notices.admin_target(ctx, policy.admin),
            day=day,
            due_at=at_london(day, policy.hour),
        )
    return counts


def nudges_job(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Every minute: pass on answers and dead letters, escalate, and nudge on the nudge day."""
    policy = ctx.nudge_policy
    counts: Counter[str] = Counter()
    counts["announced"] = notices.announce_decided(ctx, now, policy.admin)
    counts["handed_back"] = notices.report_hand_backs(ctx, now, policy.admin)
    counts["undeliverable"] = notices.report_undeliverable(ctx, now, policy.admin)
    with transaction(ctx.sessions) as session:
        calendar = get_working_calendar(session)
    day = due_occurrence(now, policy=policy, calendar=calendar, catch_up=ctx.rules.catch_up)
    if day is not None:
        counts.update(enqueue_weekly(ctx, day, policy))
    counts["escalated"] += notices.escalate_overdue(ctx, now, policy.admin)
    return {name: value for name, value in counts.items() if value}
