"""Every reminder kind renders in both templates; Slack blocks round-trip through slack_sdk."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk.models.blocks import Block

from bot.templating import render
from jobs.payloads import build_payload, late_version
from sec.meetings import MeetingKind, meeting_in_month, meetings_between
from sec.reminders import (
    Concerned,
    MeetingFacts,
    MilestoneFacts,
    ReleaseFacts,
    Snapshot,
    plan_reminders,
)
from sec.timefmt import at_london
from sec.vague_dates import Precision, VagueDate
from sec.workdays import WorkingCalendar

CAL = WorkingCalendar()
NASTY = Concerned("MP159", "Ping <!channel> & *everyone* @here", "note <@U123>")


def _snapshot() -> Snapshot:
    panel = meeting_in_month(MeetingKind.PANEL, 2019, 5, calendar=CAL)
    meetings = tuple(
        MeetingFacts(m, (NASTY,))
        for m in meetings_between(date(2019, 4, 1), date(2019, 5, 31), calendar=CAL)
    )
    milestones = (
        MilestoneFacts("change_board_vote", VagueDate.of_day(date(2019, 5, 29)), NASTY),
        MilestoneFacts(
            "modification_report", VagueDate.of_month(2019, 5), NASTY, panel, MeetingKind.PANEL
        ),
        MilestoneFacts(
            "dcc_preliminary_assessment", VagueDate.of_month(2019, 5, Precision.MID), NASTY
        ),
    )
    release = ReleaseFacts("November 2019", date(2019, 11, 29), (NASTY,) * 12)
    return Snapshot(meetings, milestones, (release,))


def test_every_kind_renders_and_validates() -> None:
    reminders = plan_reminders(_snapshot(), CAL)
    kinds = {r.kind for r in reminders}
    assert {
        "meeting",
        "agenda_deadline",
        "papers_deadline",
        "change_board_vote",
        "modification_report",
        "dcc_preliminary_assessment",
        "release_go_live",
    } <= kinds
    for reminder in reminders:
        payload = build_payload(
            render,
            template="reminder",
            surface="slack",
            key=reminder.key,
            due_at=reminder.due_at,
            context=reminder.context,
        )
        text, blocks = late_version(payload)
        assert text.splitlines()[0] and "Sent late" in text
        assert len(blocks) <= 50
        for block in blocks:
            Block.parse(block).validate_json()  # type: ignore[union-attr]
        slack_text = json.dumps(payload["blocks"])
        assert "<!channel>" not in slack_text and "<@U123>" not in slack_text
        assert "&lt;!channel&gt;" in slack_text
        assert payload["metadata"]["event_payload"]["key"] == reminder.key


def test_uk_wording_of_the_agenda_reminder() -> None:
    reminders = plan_reminders(_snapshot(), CAL)
    agenda = next(r for r in reminders if r.key.endswith("2wd") and r.kind == "agenda_deadline")
    text = render("text", "reminder", r=agenda.context)
    assert text.splitlines()[0] == (
        "Working Group agenda closes Wednesday 20 March 2019 (in 2 Working Days), "
        "10 Working Days before the Working Group on Wednesday 3 April 2019."
    )
    assert "MP159 ‘Ping <!channel> & *everyone* @here’" in text  # plain text: no escaping
    note = render("text", "late_note", due_at=at_london(date(2019, 3, 18)))
    assert (
        note == "Sent late: this was due Monday 18 March 2019, 09:00; secbot was not running then."
    )
