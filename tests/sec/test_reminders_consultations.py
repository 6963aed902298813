"""Consultations read from the site are reminded before they close, once even when a
consultation-close milestone names the same day."""

from __future__ import annotations

from datetime import date

from sec.lifecycle import MilestoneKind
from sec.reminders import (
    Concerned,
    ConsultationFacts,
    MilestoneFacts,
    Snapshot,
    plan_reminders,
)
from sec.vague_dates import Precision, VagueDate
from sec.workdays import WorkingCalendar

CAL = WorkingCalendar()
MP = Concerned("MP159", "Credit Cover Review")
SECTION_H = ConsultationFacts(
    "Section H review consultation",
    date(2026, 12, 18),
    respond_to="https://site.test/consultations/section-h/",
)


def test_a_consultation_is_reminded_five_and_one_working_days_before_it_closes() -> None:
    plan = plan_reminders(Snapshot(consultations=(SECTION_H,)), CAL)
    assert [(r.key, r.due_at.date()) for r in plan] == [
        ("consultation:section-h-review-consultation:2026-12-18-5wd", date(2026, 12, 11)),
        ("consultation:section-h-review-consultation:2026-12-18-1wd", date(2026, 12, 17)),
    ]
    assert set(plan[0].audience_topics) == {"all", "meetings", "deadlines"}
    assert plan[0].context["consultation"]["title"] == "Section H review consultation"


def test_a_consultation_on_a_modification_reaches_its_subscribers() -> None:
    about_mp159 = ConsultationFacts("MP159 consultation", date(2026, 12, 18), MP)
    plan = plan_reminders(Snapshot(consultations=(about_mp159,)), CAL)
    assert "ref:MP159" in plan[0].audience_topics
    assert plan[0].key.startswith("consultation:MP159:")


def test_the_same_close_as_a_milestone_is_reminded_once() -> None:
    day = VagueDate(date(2026, 12, 18), Precision.DAY)
    milestone = MilestoneFacts(str(MilestoneKind.CONSULTATION_CLOSE), day, MP)
    same = ConsultationFacts("MP159 consultation", date(2026, 12, 18), MP)
    plan = plan_reminders(Snapshot(milestones=(milestone,), consultations=(same,)), CAL)
    assert [r.kind for r in plan] == ["consultation_close", "consultation_close"]
