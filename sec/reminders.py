"""The reminder plan: which reminders fall due when, from a snapshot of the store. Pure.

The store's state arrives as a ``Snapshot`` (meetings with the modifications expected at them,
milestones, releases with their scope); the plan is a list of ``Event`` (a meeting, a deadline,
a go-live) and, for each event, one ``PlannedReminder`` per lead in Working Days. Defaults
(``ReminderPolicy``), all at 09:00 London time:

- Working Group: the agenda deadline 2 Working Days before it and on the day, the papers
  deadline on the day, the meeting itself the Working Day before, listing what is expected.
- Panel: the papers deadline on the day and the meeting the Working Day before, listing the
  modifications due back.
- Change Board votes, consultation closes (milestones, and the consultations read from the
  site), DCC assessments, Modification Reports, Authority
  decisions: 5 and 1 Working Days before. SEC Release go-live: 10 and 1 Working Days before.

A milestone given to the month reminds against its meeting (the Panel of that month), never an
invented day; when the series has no meeting that month there is no reminder. Early, mid and
late windows (and months of kinds that have no meeting) count back from the window's first
Working Day. A reminder is due on a Working Day, except a same-day (lead 0) deadline on a day
that is not one. Keys are "kind:subject:occurrence", where the occurrence names the event's
date (or window) and the lead, so re-planning gives the same keys and a moved meeting new ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from sec.lifecycle import MilestoneKind
from sec.meetings import Meeting, MeetingKind
from sec.releases import release_title
from sec.timefmt import at_london
from sec.vague_dates import Precision, VagueDate
from sec.workdays import WorkingCalendar

MILESTONE_REMINDER_KINDS = (
    MilestoneKind.CHANGE_BOARD_VOTE,
    MilestoneKind.CONSULTATION_CLOSE,
    MilestoneKind.DCC_PRELIMINARY_ASSESSMENT,
    MilestoneKind.DCC_IMPACT_ASSESSMENT,
    MilestoneKind.MODIFICATION_REPORT,
    MilestoneKind.AUTHORITY_DECISION,
)


class Category(StrEnum):
    """What a reminder is about; it decides which topics hear of it."""

    MEETING = "meeting"
    DEADLINE = "deadline"
    RELEASE = "release"


@dataclass(frozen=True)
class MeetingLeads:
    """Working Days before each of a meeting's dates that a reminder goes out (0: that day)."""

    agenda: tuple[int, ...] = ()
    papers: tuple[int, ...] = ()
    meeting: tuple[int, ...] = ()


def _default_meeting_leads() -> Mapping[MeetingKind, MeetingLeads]:
    return MappingProxyType(
        {
            MeetingKind.WORKING_GROUP: MeetingLeads(agenda=(2, 0), papers=(0,), meeting=(1,)),
            MeetingKind.PANEL: MeetingLeads(papers=(0,), meeting=(1,)),
        }
    )


def _default_milestone_leads() -> Mapping[str, tuple[int, ...]]:
    return MappingProxyType({str(kind): (5, 1) for kind in MILESTONE_REMINDER_KINDS})


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders go out; every lead is in Working Days before the event."""

    hour: int = 9
    meetings: Mapping[MeetingKind, MeetingLeads] = field(default_factory=_default_meeting_leads)
    milestones: Mapping[str, tuple[int, ...]] = field(default_factory=_default_milestone_leads)
    release: tuple[int, ...] = (10, 1)

    def __post_init__(self) -> None:
        if not 0 <= self.hour <= 23:
            raise ValueError(f"hour must be 0 to 23, not {self.hour}")
        if any(lead < 0 for lead in self._all_leads()):
            raise ValueError("leads count Working Days before an event; none may be negative")

    def _all_leads(self) -> Iterator[int]:
        for leads in self.meetings.values():
            yield from (*leads.agenda, *leads.papers, *leads.meeting)
        for found in self.milestones.values():
            yield from found
        yield from self.release

    def horizon_days(self) -> int:
        """Calendar days ahead an event can lie and still have a reminder due today."""
        return max(self._all_leads(), default=0) * 7 // 5 + 14


DEFAULT_POLICY = ReminderPolicy()


# -- the snapshot: what the store knows ----------------------------------------------------


@dataclass(frozen=True)
class Concerned:
    """A modification a reminder is about, and what happens to it (or its scope state)."""

    ref: str
    title: str
    note: str = ""


@dataclass(frozen=True)
class MeetingFacts:
    meeting: Meeting
    expected: tuple[Concerned, ...] = ()


@dataclass(frozen=True)
class MilestoneFacts:
    """A milestone; ``meeting`` is the meeting it happens at when the store knows one.

    meeting_kind: the series a milestone of this kind happens at (None: not a meeting).
    """

    kind: str
    when: VagueDate
    concerned: Concerned
    meeting: Meeting | None = None
    meeting_kind: MeetingKind | None = None


@dataclass(frozen=True)
class ReleaseFacts:
    name: str
    go_live: date
    scope: tuple[Concerned, ...] = ()


@dataclass(frozen=True)
class ConsultationFacts:
    """An open consultation (read from the site or a paper): it closes on a day; it may be
    about one modification, and says where and how to respond."""

    title: str
    closes: date
    concerned: Concerned | None = None
    respond_to: str | None = None
    how: str | None = None


@dataclass(frozen=True)
class Snapshot:
    meetings: tuple[MeetingFacts, ...] = ()
    milestones: tuple[MilestoneFacts, ...] = ()
    releases: tuple[ReleaseFacts, ...] = ()
    consultations: tuple[ConsultationFacts, ...] = ()


# -- the plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """Something on a day: reminders count back from ``target`` (a window's first Working Day).

    token: the event's date in keys: "2019-03-20", or "2019-04-early" for a window.
    """

    kind: str
    subject: str
    token: str
    target: date
    category: Category
    topics: tuple[str, ...]
    leads: tuple[int, ...]
    context: Mapping[str, Any] = field(compare=False, hash=False)


@dataclass(frozen=True)
class PlannedReminder:
    key: str
    kind: str
    subject: str
    occurrence: str
    due_at: datetime
    audience_topics: tuple[str, ...]
    context: dict[str, Any] = field(compare=False, hash=False)


def ref_topic(ref: str) -> str:
    return f"ref:{ref.upper()}"


def release_topic(name: str) -> str:
    return f"release:{name.strip().lower()}"


def _topics(category: Category, concerned: Iterable[Concerned], extra: str = "") -> tuple[str, ...]:
    """Topic "meetings" hears meetings and deadlines; "deadlines" only deadlines."""
    base = {
        Category.MEETING: ("all", "meetings"),
        Category.DEADLINE: ("all", "meetings", "deadlines"),
        Category.RELEASE: ("all",),
    }[category]
    refs = sorted({ref_topic(c.ref) for c in concerned})
    return (*base, *((extra,) if extra else ()), *refs)


def _concerned(items: Iterable[Concerned]) -> list[dict[str, str]]:
    return [{"ref": c.ref, "title": c.title, "note": c.note} for c in items]


def _meeting_context(meeting: Meeting) -> dict[str, Any]:
    return {
        "kind": str(meeting.kind),
        "label": meeting.kind.label,
        "day": meeting.day,
        "title": meeting.title,
        "uid": meeting.uid,
    }


def _meeting_events(
    facts: MeetingFacts, calendar: WorkingCalendar, policy: ReminderPolicy
) -> Iterator[Event]:
    meeting = facts.meeting
    leads = policy.meetings.get(meeting.kind, MeetingLeads())
    context = {"meeting": _meeting_context(meeting), "modifications": _concerned(facts.expected)}
    uid, day = meeting.uid, meeting.day
    topics = _topics(Category.MEETING, facts.expected)
    yield Event(
        "meeting", uid, day.isoformat(), day, Category.MEETING, topics, leads.meeting, context
    )
    deadlines = (
        ("agenda_deadline", meeting.agenda_deadline, leads.agenda),
        ("papers_deadline", meeting.papers_deadline, leads.papers),
    )
    for kind, deadline, found in deadlines:
        if deadline is None:
            continue
        extra = {"deadline": deadline, "wd_before": calendar.working_days_between(deadline, day)}
        topics = _topics(Category.DEADLINE, facts.expected)
        yield Event(
            kind,
            uid,
            deadline.isoformat(),
            deadline,
            Category.DEADLINE,
            topics,
            found,
            {**context, **extra},
        )


def _window_anchor(window: VagueDate, calendar: WorkingCalendar) -> date:
    """The window's first Working Day (its first day if it has none)."""
    first = calendar.next_working_day(window.start, include_today=True)
    return first if first <= window.end else window.start


def _milestone_event(
    facts: MilestoneFacts, calendar: WorkingCalendar, policy: ReminderPolicy
) -> Event | None:
    leads = policy.milestones.get(facts.kind)
    when = facts.when
    if leads is None:
        return None
    if facts.meeting is not None:
        target, token = facts.meeting.day, facts.meeting.day.isoformat()
    elif when.precision is Precision.DAY:
        target, token = when.start, when.start.isoformat()
    elif when.precision is Precision.MONTH and facts.meeting_kind is not None:
        return None  # "at the May meeting" with no May meeting: never invent a day
    else:
        target, token = _window_anchor(when, calendar), f"{when.iso()}-{when.precision}"
    label = MilestoneKind(facts.kind).label if facts.kind in set(MilestoneKind) else facts.kind
    context = {
        "milestone": {
            "kind": facts.kind,
            "label": label,
            "when": when.describe(),
            "is_day": facts.meeting is not None or when.precision is Precision.DAY,
            "meeting": None if facts.meeting is None else _meeting_context(facts.meeting),
        },
        "modifications": _concerned([facts.concerned]),
    }
    topics = _topics(Category.DEADLINE, [facts.concerned])
    return Event(
        facts.kind,
        facts.concerned.ref.upper(),
        token,
        target,
        Category.DEADLINE,
        topics,
        leads,
        context,
    )


def release_slug(name: str) -> str:
    return "-".join(name.lower().split())


def _release_event(facts: ReleaseFacts, policy: ReminderPolicy) -> Event:
    context = {
        "release": {
            "name": facts.name,
            "title": release_title(facts.name),
            "go_live": facts.go_live,
        },
        "modifications": _concerned(facts.scope),
    }
    topics = _topics(Category.RELEASE, facts.scope, release_topic(facts.name))
    return Event(
        "release_go_live",
        release_slug(facts.name),
        facts.go_live.isoformat(),
        facts.go_live,
        Category.RELEASE,
        topics,
        policy.release,
        context,
    )


def consultation_subject(facts: ConsultationFacts) -> str:
    """A consultation in keys: its modification, else its title as a slug."""
    if facts.concerned is not None:
        return facts.concerned.ref.upper()
    slug = "-".join("".join(c if c.isalnum() else " " for c in facts.title.lower()).split())
    return slug[:80] or "consultation"


def _consultation_event(facts: ConsultationFacts, policy: ReminderPolicy) -> Event | None:
    """A consultation closing: reminded like a consultation-close milestone (5 and 1 WD)."""
    leads = policy.milestones.get(str(MilestoneKind.CONSULTATION_CLOSE))
    if leads is None:
        return None
    concerned = [facts.concerned] if facts.concerned is not None else []
    context = {
        "consultation": {
            "title": facts.title,
            "closes": facts.closes,
            "respond_to": facts.respond_to,
            "how": facts.how,
        },
        "modifications": _concerned(concerned),
    }
    return Event(
        "consultation",
        consultation_subject(facts),
        facts.closes.isoformat(),
        facts.closes,
        Category.DEADLINE,
        _topics(Category.DEADLINE, concerned),
        leads,
        context,
    )


def _told_as_milestone(event: Event, found: Mapping[tuple[str, str, str], Event]) -> bool:
    """A consultation on a modification whose consultation-close milestone falls the same day
    is one event: it is reminded once, as the milestone."""
    key = (str(MilestoneKind.CONSULTATION_CLOSE), event.subject, event.token)
    return event.kind == "consultation" and key in found


def plan_events(
    snapshot: Snapshot, calendar: WorkingCalendar, policy: ReminderPolicy = DEFAULT_POLICY
) -> list[Event]:
    """Every event in the snapshot, by target day; the same event named twice counts once."""
    found: dict[tuple[str, str, str], Event] = {}
    candidates: list[Event | None] = []
    for meeting in snapshot.meetings:
        candidates.extend(_meeting_events(meeting, calendar, policy))
    candidates.extend(_milestone_event(m, calendar, policy) for m in snapshot.milestones)
    candidates.extend(_release_event(r, policy) for r in snapshot.releases)
    candidates.extend(_consultation_event(c, policy) for c in snapshot.consultations)
    for event in candidates:
        if event is not None and not _told_as_milestone(event, found):
            found.setdefault((event.kind, event.subject, event.token), event)
    return sorted(found.values(), key=lambda e: (e.target, e.kind, e.subject, e.token))


def _reminder(event: Event, lead: int, calendar: WorkingCalendar, hour: int) -> PlannedReminder:
    # A same-day reminder stays on the deadline's own day, Working Day or not.
    due_day = event.target if lead == 0 else calendar.subtract_working_days(event.target, lead)
    occurrence = f"{event.token}-{lead}wd"
    context = {
        **event.context,
        "kind": event.kind,
        "category": str(event.category),
        "lead": lead,
        "target": event.target,
        "due_day": due_day,
        "days_ahead": (event.target - due_day).days,
    }
    return PlannedReminder(
        key=f"{event.kind}:{event.subject}:{occurrence}",
        kind=event.kind,
        subject=event.subject,
        occurrence=occurrence,
        due_at=at_london(due_day, hour),
        audience_topics=event.topics,
        context=context,
    )


def plan_reminders(
    snapshot: Snapshot, calendar: WorkingCalendar, policy: ReminderPolicy = DEFAULT_POLICY
) -> list[PlannedReminder]:
    """Every reminder the snapshot calls for, by due time then key."""
    reminders = [
        _reminder(event, lead, calendar, policy.hour)
        for event in plan_events(snapshot, calendar, policy)
        for lead in sorted(set(event.leads), reverse=True)
    ]
    return sorted(reminders, key=lambda r: (r.due_at, r.key))


def reminders_between(
    snapshot: Snapshot,
    calendar: WorkingCalendar,
    start: datetime,
    end: datetime,
    policy: ReminderPolicy = DEFAULT_POLICY,
) -> list[PlannedReminder]:
    """The reminders due from start to end inclusive (aware datetimes)."""
    return [r for r in plan_reminders(snapshot, calendar, policy) if start <= r.due_at <= end]


def events_between(
    snapshot: Snapshot,
    calendar: WorkingCalendar,
    start: date,
    end: date,
    policy: ReminderPolicy = DEFAULT_POLICY,
) -> list[Event]:
    """The events whose target day lies from start to end inclusive (for the digest)."""
    return [e for e in plan_events(snapshot, calendar, policy) if start <= e.target <= end]
