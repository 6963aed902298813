"""From the store to outbox rows: snapshot -> reminder plan -> recipients -> deliveries.

Planning looks back at least ``OutboxRules.lookback`` (48 h) and, after an outage, to the last
good run (at most 31 days), so whatever fell due while the worker was down gets a row: sent
late within 24 h, recorded as skipped beyond. Rows are only added, never changed; the outbox's
unique key makes planning the same window again a no-op.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.context import JobContext
from jobs.payloads import SUPPORTED_SURFACES, build_payload
from sec.lifecycle import ScopeState
from sec.reminders import (
    Concerned,
    ConsultationFacts,
    MeetingFacts,
    MilestoneFacts,
    PlannedReminder,
    ReleaseFacts,
    Snapshot,
    ref_topic,
    release_topic,
    reminders_between,
)
from sec.workdays import WorkingCalendar
from storage.calendar_store import (
    get_schedule,
    list_milestones_between,
    meeting_kind_for,
    milestone_window,
)
from storage.db import transaction
from storage.fact_models import Consultation
from storage.models import Contact, Milestone, Modification, Release, Subscription
from storage.outbox import NewDelivery, enqueue_deliveries, get_job_run, list_delivery_keys
from storage.queries import list_scope_as_of
from storage.subscription_options import reminder_options

REMINDERS_JOB = "secbot.reminders"


@dataclass(frozen=True)
class Listener:
    """Someone who hears a topic. since: the subscription's start (None: always)."""

    surface: str
    address: str
    since: datetime | None = None


Audience = Mapping[str, list[Listener]]


def plan_start(session: Session, *, now: datetime, ctx: JobContext) -> datetime:
    """Where planning starts: the lookback, or the last good run after an outage."""
    start = now - ctx.rules.lookback
    run = get_job_run(session, job_id=REMINDERS_JOB)
    if run is not None and run.last_ok_at is not None and run.last_ok_at < start:
        start = max(run.last_ok_at, now - ctx.rules.max_lookback)
    return start


def _concerned(milestone: Milestone) -> Concerned:
    mod = milestone.modification
    return Concerned(mod.ref, mod.title, milestone.text or "")


def load_snapshot(
    session: Session, *, start: date, end: date, as_of: date
) -> tuple[Snapshot, WorkingCalendar]:
    """Meetings, milestones and releases with events from start to end, as known on as_of."""
    schedule = get_schedule(session)
    meetings = schedule.between(start, end)
    milestones = list_milestones_between(session, start=start, end=end, as_of=as_of)
    expected: dict[tuple[str, date], list[Concerned]] = defaultdict(list)
    facts: list[MilestoneFacts] = []
    for milestone in milestones:
        anchor = schedule.meeting_for(milestone)
        kind = meeting_kind_for(milestone)
        if anchor is not None and kind is anchor.kind:
            expected[(anchor.uid, anchor.day)].append(_concerned(milestone))
        facts.append(
            MilestoneFacts(
                milestone.kind, milestone_window(milestone), _concerned(milestone), anchor, kind
            )
        )
    meeting_facts = tuple(
        MeetingFacts(m, tuple(_by_ref(expected.get((m.uid, m.day), [])))) for m in meetings
    )
    releases = tuple(_releases(session, start=start, end=end, as_of=as_of))
    consultations = tuple(_consultations(session, start=start, end=end))
    return Snapshot(meeting_facts, tuple(facts), releases, consultations), schedule.calendar


def _consultations(session: Session, *, start: date, end: date) -> Iterable[ConsultationFacts]:
    """Consultations closing from start to end (the store keeps each one's latest date)."""
    stmt = (
        select(Consultation)
        .where(Consultation.closes >= start, Consultation.closes <= end)
        .order_by(Consultation.closes, Consultation.id)
    )
    for item in session.scalars(stmt):
        mod = item.modification
        concerned = Concerned(mod.ref, mod.title) if mod is not None else None
        yield ConsultationFacts(item.title, item.closes, concerned, item.respond_to, item.how)


def _by_ref(items: list[Concerned]) -> list[Concerned]:
    """One line per modification, in reference order."""
    seen: dict[str, Concerned] = {}
    for item in items:
        seen.setdefault(item.ref, item)
    return sorted(seen.values(), key=lambda c: c.ref)


def _releases(session: Session, *, start: date, end: date, as_of: date) -> Iterable[ReleaseFacts]:
    stmt = select(Release).where(Release.go_live >= start, Release.go_live <= end)
    for release in session.scalars(stmt):
        assert release.go_live is not None
        scope = [
            Concerned(entry.modification.ref, entry.modification.title, _scope_note(entry.state))
            for entry in list_scope_as_of(session, release=release, as_of=as_of)
            if entry.state != ScopeState.REMOVED
        ]
        yield ReleaseFacts(release.name, release.go_live, tuple(scope))


def _scope_note(state: str) -> str:
    return "part of it" if state == ScopeState.PARTIAL else ""


def _subscription_topic(sub: Subscription) -> str:
    if sub.topic == "ref":
        return ref_topic(sub.value)
    if sub.topic == "release":
        name = sub.value.strip()
        if name.lower().endswith(" sec release"):
            name = name[: -len(" sec release")]
        return release_topic(name)
    return sub.topic


def load_audience(session: Session, *, surfaces: Iterable[str]) -> Audience:
    """Topic -> listeners: channel and personal subscriptions, Proposers and followers."""
    wanted = set(surfaces) & set(SUPPORTED_SURFACES)
    audience: dict[str, list[Listener]] = defaultdict(list)
    for sub in session.scalars(select(Subscription).where(Subscription.surface.in_(wanted))):
        audience[_subscription_topic(sub)].append(
            Listener(sub.surface, sub.channel, sub.created_at)
        )
    stmt = (
        select(Modification.ref, Contact.slack_user_id, Contact.teams_user_id)
        .join(Contact, Contact.modification_id == Modification.id)
        .where(Contact.role.in_(("proposer", "follower")))
    )
    for ref, slack_user, teams_user in session.execute(stmt):
        if slack_user and "slack" in wanted:
            audience[ref_topic(ref)].append(Listener("slack", str(slack_user)))
        if teams_user and "teams" in wanted:
            audience[ref_topic(ref)].append(Listener("teams", str(teams_user)))
    return audience


def _heard(listener: Listener, due_at: datetime, now: datetime) -> bool:
    """A subscription hears what falls due after it began (one "from the future", made
    before a simulated clock, hears everything)."""
    since = listener.since
    if since is None:
        return True
    aware = since if since.utcoffset() is not None else since.replace(tzinfo=due_at.tzinfo)
    return aware > now or aware <= due_at


def recipients(
    topics: Iterable[str], audience: Audience, *, due_at: datetime, now: datetime
) -> set[tuple[str, str]]:
    """(surface, address) pairs that hear any of the topics; each pair once."""
    return {
        (listener.surface, listener.address)
        for topic in topics
        for listener in audience.get(topic, [])
        if _heard(listener, due_at, now)
    }


def _rows_for(
    ctx: JobContext,
    reminder: PlannedReminder,
    targets: set[tuple[str, str]],
    session: Session | None = None,
) -> list[NewDelivery]:
    payloads: dict[str, dict[str, object]] = {}
    rows = []
    for surface, address in sorted(targets):
        if surface not in payloads:
            payloads[surface] = build_payload(
                ctx.render,
                template="reminder",
                surface=surface,
                key=reminder.key,
                due_at=reminder.due_at,
                context=reminder.context,
            )
        payload = dict(payloads[surface])
        if surface == "slack" and session is not None:
            payload = _as_subscribed(session, reminder, address, payload)
        rows.append(
            NewDelivery(reminder.key, reminder.kind, surface, address, reminder.due_at, payload)
        )
    return rows


def _as_subscribed(
    session: Session, reminder: PlannedReminder, address: str, payload: dict[str, object]
) -> dict[str, object]:
    """A Slack reminder as its subscriptions asked: about one modification, in that
    modification's thread (storage.change_threads; it starts the thread when there is none);
    condensed, its first line only (storage.subscription_options)."""
    refs = [t.removeprefix("ref:") for t in reminder.audience_topics if t.startswith("ref:")]
    if len(refs) == 1:
        payload["thread"] = {"ref": refs[0]}  # no parent to rewrite: a reminder is no change
    how = reminder_options(
        session, surface="slack", channel=address, topics=reminder.audience_topics
    )
    if how.condensed:
        line = next((ln for ln in str(payload.get("text", "")).splitlines() if ln.strip()), "")
        section = {"type": "section", "text": {"type": "mrkdwn", "text": line[:3000] or " "}}
        payload |= {"text": line, "blocks": [section]}
    return payload


def enqueue_due(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Give every reminder due by now (and not yet queued) a row per recipient."""
    with transaction(ctx.sessions) as session:
        start = plan_start(session, now=now, ctx=ctx)
        horizon = timedelta(days=ctx.policy.horizon_days())
        snapshot, calendar = load_snapshot(
            session, start=start.date(), end=(now + horizon).date(), as_of=now.date()
        )
        due = reminders_between(snapshot, calendar, start, now, ctx.policy)
        audience = load_audience(session, surfaces=ctx.senders.keys())
        existing = list_delivery_keys(session, due_from=start)
        rows: list[NewDelivery] = []
        for reminder in due:
            targets = recipients(
                reminder.audience_topics, audience, due_at=reminder.due_at, now=now
            )
            targets = {t for t in targets if (reminder.key, *t) not in existing}
            rows.extend(_rows_for(ctx, reminder, targets, session))
        added = enqueue_deliveries(session, rows=rows, now=ctx.wall_clock())
    return {"planned": len(due), "enqueued": added}
