"""Small conversions from stored rows to view models, shared by several answers."""

from __future__ import annotations

from datetime import date

from bot.views import DecisionView, MilestoneView
from sec.lifecycle import MilestoneKind, Stage
from sec.vague_dates import VagueDate
from sec.workdays import WorkingCalendar
from storage.models import Decision, Milestone


def stage_label(stage: str) -> str:
    """The label people read for a stored stage value (unknown values shown as they are)."""
    try:
        return Stage(stage).label
    except ValueError:
        return stage


def when(start: date, precision: str) -> str:
    """A stored date with its precision, as people write it: "early April 2019"."""
    return VagueDate(start, precision).describe()  # type: ignore[arg-type]


def milestone_view(milestone: Milestone) -> MilestoneView:
    try:
        label = MilestoneKind(milestone.kind).label
    except ValueError:
        label = milestone.kind.replace("_", " ").capitalize()
    return MilestoneView(
        label=label,
        when=when(milestone.start, milestone.precision),
        start=milestone.start,
        text=milestone.text,
        ref=milestone.modification.ref if milestone.modification else None,
    )


def decision_view(
    decision: Decision, *, as_of: date, calendar: WorkingCalendar | None = None
) -> DecisionView:
    calendar = calendar or WorkingCalendar()
    age = calendar.working_days_between(decision.since, as_of) if as_of >= decision.since else 0
    due = when(decision.due_start, decision.due_precision or "day") if decision.due_start else None
    return DecisionView(
        ref=decision.modification.ref,
        title=decision.modification.title,
        owner=decision.owner,
        what=decision.what,
        since=decision.since,
        age_working_days=age,
        due=due,
    )
