"""The App Home view model: what matters to the person opening it.

Their modifications (as Proposer or follower, from Contact.slack_user_id), decisions waiting on
them, the next Working Group with its agenda and papers deadlines, the next Panel, and the next
SEC Release. Rendered by templates/slack/home.json.j2; bot/slack/home.py only publishes it.
Not a chat command, so this module registers no route.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from bot.answers.shared import decision_view, stage_label
from bot.context import Context
from bot.views import DecisionView, ModRow, ReleaseSummary, web_url
from sec.lifecycle import Owner, ScopeState
from sec.meetings import MeetingKind
from sec.releases import release_title
from storage import admin, queries
from storage.calendar_store import Schedule, get_schedule

HOME_MEETINGS = (MeetingKind.WORKING_GROUP, MeetingKind.PANEL)


@dataclass(frozen=True)
class MeetingLine:
    label: str
    day: date
    agenda_deadline: date | None
    papers_deadline: date | None
    note: str = ""


@dataclass(frozen=True)
class HomeModel:
    as_of: date
    mine: list[ModRow] = field(default_factory=list)
    decisions: list[DecisionView] = field(default_factory=list)
    meetings: list[MeetingLine] = field(default_factory=list)
    release: ReleaseSummary | None = None
    is_admin: bool = False


def home_for(sessions: sessionmaker[Session], ctx: Context) -> HomeModel:
    """The home view for the person in ``ctx``, read in one session."""
    with sessions() as session:
        return build_home(
            session,
            user_id=ctx.user or "",
            as_of=ctx.as_of,
            is_admin=ctx.is_admin,
            workspace=ctx.workspace,
        )


def build_home(
    session: Session,
    *,
    user_id: str,
    as_of: date,
    is_admin: bool,
    workspace: str | None = None,
) -> HomeModel:
    """Everything the home tab shows for one person on one day; with a workspace, only what
    that workspace knows of them (their contact links there, decisions from papers or its
    administrators), never another workspace's."""
    mine, decisions = [], []
    schedule = get_schedule(session)
    linked = admin.list_modifications_for_slack_user(
        session, slack_user_id=user_id, workspace=workspace
    )
    for mod, role in linked:
        note = "you are the Proposer" if role == "proposer" else "you follow it"
        mine.append(ModRow(mod.ref, mod.title, stage_label(mod.stage), web_url(mod.slug), note))
        if role == "proposer":
            decisions += [
                decision_view(d, as_of=as_of, calendar=schedule.calendar)
                for d in queries.list_open_decisions(
                    session, as_of=as_of, modification=mod, workspace=workspace
                )
                if d.owner == Owner.PROPOSER
            ]
    return HomeModel(
        as_of, mine, decisions, _meetings(schedule, as_of), _next_release(session, as_of), is_admin
    )


def _meetings(schedule: Schedule, as_of: date) -> list[MeetingLine]:
    lines = []
    for kind in HOME_MEETINGS:
        meeting = schedule.next(kind, as_of)
        if meeting is not None:
            lines.append(
                MeetingLine(
                    kind.label,
                    meeting.day,
                    meeting.agenda_deadline,
                    meeting.papers_deadline,
                    meeting.note,
                )
            )
    return lines


def _next_release(session: Session, as_of: date) -> ReleaseSummary | None:
    for release in queries.list_releases(session):
        if release.go_live is not None and release.go_live >= as_of:
            in_scope = sum(1 for e in release.scope if e.state != ScopeState.REMOVED)
            return ReleaseSummary(release_title(release.name), release.go_live, in_scope, False)
    return None
