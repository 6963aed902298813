"""App Home: what matters to the person opening it.

Their modifications (as Proposer or follower, from Contact.slack_user_id), decisions waiting on
them, the next Working Group with its agenda and papers deadlines, the next Panel, and the next
SEC Release.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.answers.shared import decision_view, stage_label
from bot.slack.blocks import VIEW_BLOCKS, home_view, render_blocks
from bot.slack.chat import context_for
from bot.views import DecisionView, ModRow, ReleaseSummary, web_url
from sec.lifecycle import Owner, ScopeState
from sec.meetings import MeetingKind
from sec.releases import release_title
from storage import admin, queries
from storage.calendar_store import Schedule, get_schedule

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
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


def build_home(session: Session, *, user_id: str, as_of: date, is_admin: bool) -> HomeModel:
    """Everything the home tab shows for one person on one day."""
    mine, decisions = [], []
    schedule = get_schedule(session)
    for mod, role in admin.list_modifications_for_slack_user(session, slack_user_id=user_id):
        note = "you are the Proposer" if role == "proposer" else "you follow it"
        mine.append(ModRow(mod.ref, mod.title, stage_label(mod.stage), web_url(mod.slug), note))
        if role == "proposer":
            decisions += [
                decision_view(d, as_of=as_of, calendar=schedule.calendar)
                for d in queries.list_open_decisions(session, as_of=as_of, modification=mod)
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


def home_payload(services: Services, user_id: str) -> dict[str, Any]:
    """The validated home view for a person."""
    ctx = context_for(services, user=user_id, channel=None, is_direct=True)
    with services.sessions() as session:
        model = build_home(session, user_id=user_id, as_of=ctx.as_of, is_admin=ctx.is_admin)
    return home_view(render_blocks("home", max_blocks=VIEW_BLOCKS, m=model))


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def publish(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        try:
            client.views_publish(user_id=event["user"], view=home_payload(services, event["user"]))
        except Exception:  # the tab keeps its previous content; nothing to reply to
            log.exception("publishing the home tab failed")

    app.event("app_home_opened")(ack=acknowledge, lazy=[publish])
