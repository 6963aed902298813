"""Every message template, on Slack and Teams, renders what the platform accepts.

Production only cuts Slack blocks to the limits (bot.slack.blocks.fit); the shape is checked
here, once per template, with view models built the way the app builds them: answers from the
router on the sample store, reminders and the digest from the planner, nudges from a stored
decision. Slack output goes through slack_sdk's Block Kit models (tests/bot/slack/block_kit.py);
Teams output through the Adaptive Card check (tests/bot/teams/card_check.py).

A template added without an example here fails its case: add one to SLACK_EXAMPLES or
TEAMS_EXAMPLES with a realistic view model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.answers.home import HomeModel, MeetingLine, build_home
from bot.context import Context
from bot.render import template_kind
from bot.router import Router, build_router
from bot.slack.blocks import VIEW_BLOCKS, answer_blocks, home_view, render_blocks
from bot.slack.ingest_view import DiffView, diff_payload, pack
from bot.teams.cards import card_for
from bot.templating import TEMPLATES, render
from bot.views import Answer, DecisionView, ModRow, ReleaseSummary
from jobs.change_notices import subject_context
from jobs.digest import _context as digest_context
from jobs.nudge_notices import decision_context
from jobs.payloads import build_payload
from jobs.plan import load_snapshot
from sec.reminders import events_between, plan_reminders
from sec.timefmt import at_london
from storage import queries
from storage.calendar_store import get_schedule
from storage.change_event_models import ChangeEvent
from storage.ingest_models import APPLIED, DISCARDED, EXPIRED, PENDING
from storage.models import Modification
from tests.bot.slack.block_kit import validate_view, within_limits
from tests.bot.teams.card_check import card_problems

AS_OF = date(2021, 10, 1)
# Commands whose answers each answer template renders (several, for the branches they take).
ANSWERS: dict[str, list[str]] = {
    "status": ["status MP159", "status SECMP0007", "status MP128B", "status DP173"],
    "history": ["history MP159", "history SECMP0007"],
    "release": ["release Feb 2022", "release Nov 2021", "release June 2022"],
    "releases": ["releases"],
    "membership": ["is MP128B in feb 22", "is MP159 in nov 2021"],
    "search": ["search firmware", "search credit cover"],
    "list": [
        "list stage:refinement",
        "list stage:refinement --all",
        "list on-hold",
        'list release:"Nov 2022" dcc:yes waiting:ia',
        "list stage:withdrawn",
        "status of the credit cover one",
    ],
    "pending": ["pending", "pending MP107"],
    "help": ["help"],
    "meetings": ["meetings", "meetings next", "meetings May 2022"],
    "deadlines": ["deadlines", "deadlines next month"],
    "sources": ["sources"],
    "message": [
        "status MP999",
        "status",
        "search zzzzqqq",
        "subscribe",
        "move-meeting wg May 2022 11 May 2022",
    ],
}


# Slack templates that are not Block Kit: Work Object metadata, validated with slack_sdk's
# metadata models in tests/bot/slack/test_work_objects.py.
NOT_BLOCK_KIT = {"work_object", "work_object_details"}


def kinds(surface: str) -> list[str]:
    """The message templates of a surface (partials start with an underscore)."""
    folder = TEMPLATES / surface
    return sorted(
        p.name.removesuffix(".json.j2")
        for p in folder.glob("*.json.j2")
        if not p.name.startswith("_") and p.name.removesuffix(".json.j2") not in NOT_BLOCK_KIT
    )


# Templates being written beside this file whose authors add their example (then remove it here).
AWAITING_EXAMPLES: dict[str, str] = {}


@dataclass
class Examples:
    """Realistic view models from the sample store, as the app builds them."""

    sessions: sessionmaker[Session]
    router: Router

    def answers(self, kind: str, surface: str) -> Iterator[Answer]:
        ctx = Context(as_of=AS_OF, user="U0USER", channel="C1", surface=surface)
        for command in ANSWERS[kind]:
            answer = self.router.handle(command, ctx).answer
            assert template_kind(answer, surface) == kind, (command, answer.kind)
            yield answer

    def reminder_contexts(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """One planned reminder of each kind (meetings, deadlines, milestones, go-lives)."""
        with self.sessions() as session:
            snapshot, calendar = load_snapshot(
                session, start=date(2019, 3, 1), end=date(2022, 12, 31), as_of=AS_OF
            )
        seen: set[str] = set()
        for reminder in plan_reminders(snapshot, calendar):
            if reminder.kind not in seen:
                seen.add(reminder.kind)
                yield reminder.key, reminder.context
        assert {"meeting", "agenda_deadline", "papers_deadline", "release_go_live"} <= seen

    def digest_contexts(self) -> Iterator[tuple[str, dict[str, Any]]]:
        with self.sessions() as session:
            snapshot, calendar = load_snapshot(
                session, start=date(2019, 3, 1), end=date(2019, 6, 30), as_of=date(2019, 3, 18)
            )
        for day in (date(2019, 3, 18), date(2019, 4, 1)):
            until = calendar.add_working_days(day, 5)
            events = events_between(snapshot, calendar, day, until)
            assert events
            yield f"digest:daily:{day}", digest_context(day, until, events)

    def nudge_contexts(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every kind of nudge notice, about a decision in the sample store."""
        day = date(2021, 9, 27)
        with self.sessions() as session:
            decision = queries.list_open_decisions(session, as_of=day)[0]
            calendar = get_schedule(session).calendar
            base = decision_context(decision, day=day, calendar=calendar)
        meeting = {
            "label": "Working Group",
            "day": date(2021, 11, 3),
            "deadline": date(2021, 10, 20),
            "deadline_label": "agenda closes",
            "why": "the Working Group can only consider it once the Proposer has chosen",
        }
        for extra in (
            {"kind": "nudge", "number": 1, "meeting": meeting},
            {"kind": "nudge", "number": 3, "meeting": None},
            {"kind": "nudge_escalation", "reason": "3 nudges unanswered", "people": ["U0PROP"]},
            {"kind": "nudge_unassigned", "decisions": [base] * 12},
            {"kind": "nudge_handed_back", "by": "U0PROP", "note": "Not mine: ask the DCC"},
            {
                "kind": "nudge_undeliverable",
                "recipient": "U0GONE",
                "surface": "slack",
                "error": "user_not_found",
                "unlinked": True,
            },
            {"kind": "decision_made", "resolution": "Option 2", "by": "U0PROP", "on": day},
        ):
            yield f"nudge:{base['decision_id']}:{extra['kind']}", {**base, **extra}

    def change_contexts(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """A notice, a thread parent and a digest, about modifications in the sample store."""
        with self.sessions() as session:
            mods = list(session.scalars(select(Modification).order_by(Modification.id).limit(45)))
            for mod in mods:
                _ = mod.target_release  # loaded while the session is open
        events = [
            ChangeEvent(
                id=n,
                kind=kind,
                ref=mod.ref,
                release="June 2022",
                subject=mod.ref,
                what="",
                before="Refinement Process",
                after="Implemented",
                source="the SECAS page, checked Tuesday 1 December 2026, 08:00",
            )
            for n, mod in enumerate(mods)
            for kind in ("stage", "scope_added")
        ]
        subjects = [
            subject_context(mod.ref, events[2 * n : 2 * n + 2], mod, AS_OF)
            for n, mod in enumerate(mods)
        ]
        yield "change:one", {**subjects[0], "kind": "change", "day": AS_OF}
        yield "change:parent", {**subjects[0], "kind": "change_parent", "day": AS_OF}
        yield "change:digest", {"kind": "change_digest", "subjects": subjects, "day": AS_OF}

    def sync_drift_contexts(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """The drift alarm as jobs.sync.alarm builds it: with page examples, and without."""
        site = "https://smartenergycodecompany.co.uk/"
        pages = [f"{site}modifications/mp{n}-credit-cover-review-{'x' * 60}/" for n in range(5)]
        for examples in (pages, []):
            yield (
                f"sync-drift:smartenergycodecompany.co.uk:modification:{len(examples)}",
                {
                    "kind": "modification",
                    "drift": 41,
                    "read": 63,
                    "site": site,
                    "examples": examples,
                },
            )

    def job_contexts(self, template: str) -> Iterator[tuple[str, dict[str, Any]]]:
        return {
            "reminder": self.reminder_contexts,
            "digest": self.digest_contexts,
            "nudge": self.nudge_contexts,
            "change_notice": self.change_contexts,
            "sync_drift": self.sync_drift_contexts,
        }[template]()

    def homes(self) -> Iterator[HomeModel]:
        with self.sessions() as session:
            yield build_home(session, user_id="U0NOBODY", as_of=AS_OF, is_admin=False)
        long = "Very long modification title about smart meter firmware " * 8
        yield HomeModel(
            as_of=AS_OF,
            mine=[
                ModRow(f"MP{n}", long, "Refinement Process", None, "you follow it")
                for n in range(40)
            ],
            decisions=[
                DecisionView(f"MP{n}", long, "Proposer", long, date(2021, 1, 1), n)
                for n in range(40)
            ],
            meetings=[
                MeetingLine(
                    "Working Group", date(2021, 10, 6), date(2021, 9, 22), date(2021, 9, 29)
                )
            ],
            release=ReleaseSummary("February 2022 SEC Release", date(2022, 2, 24), 7, False),
            is_admin=True,
        )

    def diffs(self) -> Iterator[DiffView]:
        lines = [f"MP{n:03d}: stage Refinement Process → Report Phase" for n in range(300)]
        chunks, hidden = pack(lines)
        when = datetime(2021, 9, 22, 10, 30, tzinfo=UTC)
        for state in (PENDING, APPLIED, DISCARDED, EXPIRED):
            yield DiffView(
                state=state,
                file_name="CSC paper September 2021.pdf",
                summary="3 modifications changed, 1 new release",
                pending_id=7,
                title="SEC Releases update",
                document_date=date(2021, 9, 21),
                chunks_mrkdwn=chunks,
                hidden=hidden,
                requested_by_mrkdwn="<@UADMIN1>",
                decided_by_mrkdwn="" if state == PENDING else "<@UADMIN1>",
                decided_at=None if state == PENDING else when,
            )


def _job_payloads(examples: Examples, template: str, surface: str) -> Iterator[dict[str, Any]]:
    for key, context in examples.job_contexts(template):
        yield build_payload(
            render,
            template=template,
            surface=surface,
            key=key,
            due_at=at_london(date(2021, 10, 1), 9),
            context=context,
        )


def _slack_answers(ex: Examples, kind: str) -> Iterator[list[dict[str, Any]]]:
    for answer in ex.answers(kind, "slack"):
        yield answer_blocks(answer)


def _slack_jobs(template: str) -> Callable[[Examples, str], Iterator[list[dict[str, Any]]]]:
    def blocks(ex: Examples, kind: str) -> Iterator[list[dict[str, Any]]]:
        for payload in _job_payloads(ex, template, "slack"):
            yield payload["blocks"]

    return blocks


def _slack_unfurls(ex: Examples, kind: str) -> Iterator[list[dict[str, Any]]]:
    for answer in ex.answers("status", "slack"):
        yield render_blocks("unfurl", m=answer.model, meta=answer.meta, ok=answer.ok)


def _slack_homes(ex: Examples, kind: str) -> Iterator[list[dict[str, Any]]]:
    for home in ex.homes():
        view = home_view(render_blocks("home", max_blocks=VIEW_BLOCKS, m=home))
        validate_view(view)
        yield view["blocks"]


def _slack_diffs(ex: Examples, kind: str) -> Iterator[list[dict[str, Any]]]:
    for diff in ex.diffs():
        yield diff_payload(diff)["blocks"]


def _summaries(ex: Examples, surface: str) -> Iterator[Answer]:
    """Summaries with and without changes, over the sample's real deadlines."""
    from bot.answers.summary import ChangeLine, SummaryView

    ctx = Context(as_of=AS_OF, user="U0USER", channel="C1", surface=surface)
    coming = ex.router.handle("deadlines", ctx).answer.model.items
    changed = [ChangeLine(AS_OF, "MP159", "Credit Cover <!channel>", "Stage moved to Report")]
    for changes, items in ((changed, coming), ([], [])):
        view = SummaryView("Summary for this channel", AS_OF, ["MP159", "meetings"], changes, items)
        yield Answer("summary", view)


def _slack_summaries(ex: Examples, kind: str) -> Iterator[list[dict[str, Any]]]:
    for answer in _summaries(ex, "slack"):
        yield answer_blocks(answer)


def _teams_summaries(ex: Examples, kind: str) -> Iterator[dict[str, Any]]:
    for answer in _summaries(ex, "teams"):
        yield card_for(answer)


def _slack_trackers(ex: Examples, kind: str) -> Iterator[list[dict[str, Any]]]:
    from bot.answers.tracker_content import tracker_content

    with ex.sessions() as session:
        for target in ("release Feb 2022", "release Nov 2022", "list stage:refinement", "mine"):
            content = tracker_content(session, target=target, owner="U0USER", as_of=AS_OF)
            assert content is not None
            yield content["blocks"]


SLACK_EXAMPLES: dict[str, Callable[[Examples, str], Iterator[list[dict[str, Any]]]]] = {
    "summary": _slack_summaries,
    "tracker_pinned": _slack_trackers,
    **dict.fromkeys(ANSWERS, _slack_answers),
    "reminder": _slack_jobs("reminder"),
    "digest": _slack_jobs("digest"),
    "nudge": _slack_jobs("nudge"),
    "change_notice": _slack_jobs("change_notice"),
    "sync_drift": _slack_jobs("sync_drift"),
    "unfurl": _slack_unfurls,
    "home": _slack_homes,
    "ingest_diff": _slack_diffs,
}


def _teams_answers(ex: Examples, kind: str) -> Iterator[dict[str, Any]]:
    for answer in ex.answers(kind, "teams"):
        yield card_for(answer)


def _teams_jobs(template: str) -> Callable[[Examples, str], Iterator[dict[str, Any]]]:
    def cards(ex: Examples, kind: str) -> Iterator[dict[str, Any]]:
        for payload in _job_payloads(ex, template, "teams"):
            yield payload["card"]

    return cards


TEAMS_EXAMPLES: dict[str, Callable[[Examples, str], Iterator[dict[str, Any]]]] = {
    "summary": _teams_summaries,
    **dict.fromkeys(ANSWERS, _teams_answers),
    "reminder": _teams_jobs("reminder"),
    "nudge": _teams_jobs("nudge"),
    "change_notice": _teams_jobs("change_notice"),
}


@pytest.fixture(scope="module")
def examples(sample_store: sessionmaker[Session]) -> Examples:
    return Examples(sample_store, build_router(sample_store))


@pytest.mark.parametrize("kind", kinds("slack"))
def test_every_slack_template_renders_blocks_slack_accepts(examples: Examples, kind: str) -> None:
    example = SLACK_EXAMPLES.get(kind)
    if example is None and kind in AWAITING_EXAMPLES:
        pytest.skip(AWAITING_EXAMPLES[kind])
    if example is None:
        pytest.fail(f"no example for templates/slack/{kind}.json.j2: add one to SLACK_EXAMPLES")
    rendered = list(example(examples, kind))
    assert rendered
    for blocks in rendered:
        within_limits(blocks, VIEW_BLOCKS if kind == "home" else 50)


@pytest.mark.parametrize("kind", kinds("teams"))
def test_every_teams_template_renders_a_card_teams_accepts(examples: Examples, kind: str) -> None:
    example = TEAMS_EXAMPLES.get(kind)
    if example is None and kind in AWAITING_EXAMPLES:
        pytest.skip(AWAITING_EXAMPLES[kind])
    if example is None:
        pytest.fail(f"no example for templates/teams/{kind}.json.j2: add one to TEAMS_EXAMPLES")
    cards = list(example(examples, kind))
    assert cards
    for card in cards:
        assert card_problems(card) == [], card
