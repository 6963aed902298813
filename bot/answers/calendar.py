"""Calendar answers: `meetings [next | <month year> | <kind>]` and `deadlines [<period>]`.

Every answer is as of ``ctx.as_of``: "next" counts from that day and only milestones known on
it are shown. Periods are read with ``sec.vague_dates`` plus spans it leaves out ("next 2
weeks", "this week"); a month-precision milestone is shown at its meeting when it has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers import tables
from bot.answers.calendar_views import (
    DeadlinesView,
    DeadlineView,
    ExpectedView,
    MeetingsView,
    MeetingView,
)
from bot.calendar_feed import add_months
from bot.views import Answer, message
from sec.lifecycle import MilestoneKind
from sec.meetings import Meeting, MeetingKind
from sec.timefmt import uk_date
from sec.vague_dates import Precision, parse_vague_date
from storage.calendar_store import (
    Schedule,
    expected_at,
    get_schedule,
    list_milestones_between,
    milestone_window,
)
from storage.models import Milestone

if TYPE_CHECKING:
    from bot.router import Context, Router

DEFAULT_MEETING_DAYS = 42  # `meetings` alone: the next six weeks
DEFAULT_DEADLINE_DAYS = 28  # `deadlines` alone: the next four weeks
MAX_PERIOD_DAYS = 731  # a longer window is a typo, not a question
# Meeting deadlines fall at most this long before their meeting (10 Working Days over Christmas).
_DEADLINE_REACH = timedelta(days=35)
_UPCOMING_OF_A_KIND = 3

# ---------------------------------------------------------------------------------------------
# Periods.

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_SPAN = re.compile(
    r"(?:the\s+|in\s+the\s+)?(?P<lead>next|coming|following)\s+"
    rf"(?:(?P<n>\d{{1,3}}|{'|'.join(_NUMBERS)})\s+)?(?P<unit>day|week|fortnight|month)s?",
)
_WEEK = re.compile(r"(?P<which>this|next)\s+week")
_UNTIL = re.compile(r"(?:until|till|up\s+to|before|by)\s+(?P<rest>.+)")


@dataclass(frozen=True)
class Period:
    """A window of days, inclusive, and how to name it."""

    start: date
    end: date
    label: str


def _span_label(start: date, end: date) -> str:
    return f"from {uk_date(start)} to {uk_date(end)}"


def _span(match: re.Match[str], today: date) -> Period | None:
    """Spans such as "next 2 weeks" or "the coming month": from today for that long."""
    count_text = match["n"]
    if count_text is None and match["lead"] == "next" and match["unit"] in {"week", "month"}:
        return None  # "next week" and "next month" are calendar periods, read elsewhere
    count = 1 if count_text is None else _NUMBERS.get(count_text) or int(count_text)
    unit = match["unit"]
    if count < 1:
        return None
    if unit == "month":
        if count > 24:
            return None
        end = add_months(today, count) - timedelta(days=1)
    else:
        end = today + timedelta(days=count * {"day": 1, "week": 7, "fortnight": 14}[unit] - 1)
    return Period(today, end, _span_label(today, end))


def _week(match: re.Match[str], today: date) -> Period:
    monday = today - timedelta(days=today.weekday())
    if match["which"] == "next":
        monday += timedelta(days=7)
    sunday = monday + timedelta(days=6)
    return Period(monday, sunday, f"in the week {_span_label(monday, sunday)}")


def parse_period(text: str, *, today: date) -> Period | None:
    """The window a short text names ("April 2019", "next 2 weeks", "this week"); None if none."""
    cleaned = " ".join(text.lower().replace("?", " ").split())
    if not cleaned:
        return None
    if match := _WEEK.fullmatch(cleaned):
        return _week(match, today)
    if (match := _SPAN.fullmatch(cleaned)) and (span := _span(match, today)):
        return span if (span.end - span.start).days <= MAX_PERIOD_DAYS else None
    if match := _UNTIL.fullmatch(cleaned):
        until = parse_vague_date(match["rest"], today=today)
        if until is None or until.end < today or (until.end - today).days > MAX_PERIOD_DAYS:
            return None
        return Period(today, until.end, _span_label(today, until.end))
    found = parse_vague_date(text, today=today)
    if found is None:
        return None
    label = f"on {found.describe()}" if found.precision is Precision.DAY else found.describe()
    if found.precision is not Precision.DAY:
        label = f"in {label}"
    return Period(found.start, found.end, label)


def _default_period(today: date, days: int) -> Period:
    end = today + timedelta(days=days - 1)
    return Period(today, end, f"in the next {days // 7} weeks ({_span_label(today, end)})")


# ---------------------------------------------------------------------------------------------
# Meetings.

_KIND_WORDS = (
    (re.compile(r"\bworking[\s-]+groups?\b|\bwgs?\b"), MeetingKind.WORKING_GROUP),
    (re.compile(r"\bchange[\s-]+sub[\s-]*committees?\b|\bcscs?\b"), MeetingKind.CSC),
    (re.compile(r"\bchange[\s-]+boards?\b|\bcbs?\b"), MeetingKind.CHANGE_BOARD),
    (re.compile(r"\b(?:sec\s+)?panels?\b"), MeetingKind.PANEL),
)
_MEETING_FILLER = re.compile(r"\b(?:the|meetings?|when|is|are|what|which|upcoming|please)\b|[?!,]")
# Where a meeting's date comes from: a rule gives an expected date; a paper or an
# administrator a confirmed one. Nothing in the store says a meeting was held, so a past date
# is "date passed", never "held" (docs/answers.md).
_ORIGINS = {
    ("rule", False): "expected by the meeting rule",
    ("moved", False): "moved by an administrator, confirmed",
    ("ad_hoc", True): "extra meeting added by an administrator, confirmed",
    ("paper", False): "date from a paper, confirmed",
    ("paper", True): "ad hoc meeting, date from a paper, confirmed",
}


def split_kinds(text: str) -> tuple[list[MeetingKind], str]:
    """The meeting series named in text, and what is left once they and filler words go."""
    rest = text.lower()
    kinds: list[MeetingKind] = []
    for pattern, kind in _KIND_WORDS:
        if pattern.search(rest):
            kinds.append(kind)
            rest = pattern.sub(" ", rest)
    return kinds, " ".join(_MEETING_FILLER.sub(" ", rest).split())


def _expected_view(milestone: Milestone) -> ExpectedView:
    mod = milestone.modification
    return ExpectedView(mod.ref, mod.title, MilestoneKind(milestone.kind).label, milestone.text)


def _meeting_view(
    session: Session, meeting: Meeting, ctx: Context, schedule: Schedule
) -> MeetingView:
    origin = _ORIGINS.get((meeting.source, meeting.occurrence is None), "")
    milestones = expected_at(session, meeting, ctx.as_of, schedule=schedule)
    return MeetingView(
        kind=meeting.kind.value,
        kind_label=meeting.kind.label,
        day=meeting.day,
        agenda_deadline=meeting.agenda_deadline,
        papers_deadline=meeting.papers_deadline,
        origin=origin,
        note=meeting.note,
        past=meeting.day < ctx.as_of,
        expected=[_expected_view(m) for m in milestones],
        uid=meeting.uid,
    )


def _next_of_each(schedule: Schedule, kinds: list[MeetingKind], after: date) -> list[Meeting]:
    """The next meeting of each series; after an ad hoc one, the next monthly one as well."""
    found: dict[str, Meeting] = {}
    for kind in kinds:
        for meeting in (schedule.next(kind, after), schedule.next_regular(kind, after)):
            if meeting is not None:
                found[meeting.uid] = meeting
    order = list(MeetingKind)
    return sorted(found.values(), key=lambda m: (m.day, order.index(m.kind)))


def _kinds_label(kinds: list[MeetingKind]) -> str:
    return " and ".join(k.label for k in kinds) + " meetings" if kinds else "Meetings"


def _choose_meetings(
    schedule: Schedule, kinds: list[MeetingKind], rest: str, as_of: date
) -> tuple[str, list[Meeting]] | None:
    """The heading and meetings the words ask for; None when the words make no sense."""
    wanted = kinds or list(MeetingKind)
    label = _kinds_label(kinds)
    if rest == "next":
        heading = f"Next {label.lower()} on or after {uk_date(as_of)}"
        return heading, _next_of_each(schedule, wanted, as_of)
    if not rest and kinds:
        ahead = schedule.between(as_of, as_of + timedelta(days=400), wanted)
        return f"Upcoming {label} from {uk_date(as_of)}", ahead[: _UPCOMING_OF_A_KIND * len(wanted)]
    if rest:
        period = parse_period(rest, today=as_of)
    else:
        period = _default_period(as_of, DEFAULT_MEETING_DAYS)
    if period is None:
        return None
    return f"{label} {period.label}", schedule.between(period.start, period.end, wanted)


def meetings(session: Session, args: str, ctx: Context) -> Answer:
    """Meetings with their deadlines and the modifications expected at each."""
    kinds, rest = split_kinds(args)
    schedule = get_schedule(session)
    chosen = _choose_meetings(schedule, kinds, rest, ctx.as_of)
    if chosen is None:
        return message(
            f"I can't tell which meetings “{args.strip()}” means.",
            "meetings next",
            "meetings May 2019",
            "meetings panel",
            "meetings working group next month",
            kind="usage",
        )
    heading, found = chosen
    views = [_meeting_view(session, m, ctx, schedule) for m in found]
    empty = f"No {_kinds_label(kinds).lower()} in that time."
    return Answer("meetings", MeetingsView(heading, views, ctx.as_of, empty))


# ---------------------------------------------------------------------------------------------
# Deadlines.


def _meeting_deadlines(schedule: Schedule, period: Period, as_of: date) -> list[DeadlineView]:
    """Agenda and papers deadlines falling in the period, for meetings up to five weeks on."""
    items = []
    for meeting in schedule.between(period.start, period.end + _DEADLINE_REACH):
        for day, what in (
            (meeting.agenda_deadline, "agenda confirmed"),
            (meeting.papers_deadline, "papers published"),
        ):
            if day is not None and period.start <= day <= period.end:
                items.append(
                    DeadlineView(
                        day=day,
                        when=uk_date(day),
                        what=f"{meeting.kind.label} {what}",
                        detail=f"for the meeting on {uk_date(meeting.day)}",
                        past=day < as_of,
                    )
                )
    return items


def _milestone_deadline(
    milestone: Milestone, schedule: Schedule, period: Period, as_of: date
) -> DeadlineView | None:
    """A milestone as a deadline item; one placed at a meeting counts on the meeting's day."""
    window = milestone_window(milestone)
    mod = milestone.modification
    what = f"{mod.ref}: {MilestoneKind(milestone.kind).label}"
    meeting = None if window.precision is Precision.DAY else schedule.meeting_for(milestone)
    if meeting is None:
        return DeadlineView(
            window.start, window.describe(), what, milestone.text, mod.ref, window.end < as_of
        )
    if not period.start <= meeting.day <= period.end:
        return None
    when = f"{window.describe()}, at the {meeting.kind.label} on {uk_date(meeting.day)}"
    return DeadlineView(meeting.day, when, what, milestone.text, mod.ref, meeting.day < as_of)


def deadlines(session: Session, args: str, ctx: Context) -> Answer:
    """Milestones and meeting deadlines in a period, soonest first."""
    args, page = tables.split_page(args)  # "deadlines April 2019 page 2": the table pages
    text = re.sub(r"\bdeadlines?\b|\bdue\b|\bwhat(?:'s| is| are)?\b", " ", args.lower()).strip()
    if text:
        period = parse_period(text, today=ctx.as_of)
    else:
        period = _default_period(ctx.as_of, DEFAULT_DEADLINE_DAYS)
    if period is None:
        return message(
            f"I can't read “{args.strip()}” as a period of time.",
            "deadlines",
            "deadlines this month",
            "deadlines next month",
            "deadlines April 2019",
            "deadlines next 2 weeks",
            kind="usage",
        )
    schedule = get_schedule(session)
    items = _meeting_deadlines(schedule, period, ctx.as_of)
    found = list_milestones_between(session, start=period.start, end=period.end, as_of=ctx.as_of)
    for milestone in found:
        item = _milestone_deadline(milestone, schedule, period, ctx.as_of)
        if item is not None:
            items.append(item)
    # Soonest first; on one day, exact days before windows that merely start there.
    items.sort(key=lambda i: (i.day, i.when != uk_date(i.day), i.what))
    shown = tables.page_of(len(items), page, f"deadlines {args.strip()}".strip())
    heading = f"Deadlines {period.label}"
    view = DeadlinesView(heading, items, ctx.as_of, period.start, period.end, page=shown)
    return Answer("deadlines", view)


def register(router: Router) -> None:
    from bot.understanding import register_readers
    from bot.understanding.readers import deadlines_reader, meetings_reader

    register_readers(router, ("meetings", meetings_reader), ("deadlines", deadlines_reader))
    router.register(
        "meetings",
        meetings,
        usage="meetings [next | <month year> | <kind>]",
        description="Working Group, Panel, Change Board and CSC dates, deadlines and agendas",
    )
    router.register(
        "deadlines",
        deadlines,
        usage="deadlines [<period>]",
        description="milestones and meeting deadlines, soonest first (default: next 4 weeks)",
    )
