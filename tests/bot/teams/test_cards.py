"""Answers as Adaptive Cards: every kind renders a valid 1.5 card, text is escaped, and the
check itself catches what is wrong."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from bot.render import render_text
from bot.router import Context, Router, build_router
from bot.teams.cards import answer_activity, card_for, summary_of
from bot.templating import render
from bot.views import Answer, MessageView, message
from tests.bot.teams.card_check import card_problems

AS_OF = date(2021, 9, 22)
QUESTIONS = {
    "status": "status MP159",
    "history": "history MP159",
    "release": "release Feb 2022",
    "releases": "releases",
    "membership": "is MP128B in Feb 22?",
    "search": "search firmware",
    "pending": "pending",
    "help": "help",
    "not_found": "status MP999",
    "meetings": "meetings",
}


@pytest.fixture(scope="module")
def router(sample_store: sessionmaker[Session]) -> Router:
    return build_router(sample_store)


def ask(router: Router, text: str, *, admin: bool = False) -> Answer:
    ctx = Context(as_of=AS_OF, user="u1", channel="c1", surface="teams", is_admin=admin)
    return router.answer(text, ctx)


@pytest.mark.parametrize("kind", sorted(QUESTIONS))
def test_every_answer_is_a_valid_1_5_card_with_its_text_as_fallback(
    router: Router, kind: str
) -> None:
    answer = ask(router, QUESTIONS[kind], admin=True)
    assert answer.kind == kind

    card = card_for(answer)

    assert card["version"] == "1.5"
    assert card_problems(card) == []
    assert card["fallbackText"] == render_text(answer)


def test_the_status_card_names_the_modification_and_offers_its_history(router: Router) -> None:
    card = card_for(ask(router, "status MP159"))
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    assert card["body"][0]["text"] == "MP159: Credit Cover Review"
    assert facts["Stage"] == "Refinement Process"
    assert facts["Release"].startswith("February 2022 SEC Release, which goes live on Thursday 24")
    submit = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    assert submit[0]["data"] == {"action": "ask", "text": "history MP159"}


def test_stored_text_is_escaped_for_teams_markdown() -> None:
    card = card_for(message("Use *this* [link](https://evil.example) <b>now</b>", "status MP1"))
    text = card["body"][0]["text"]
    assert text == r"Use \*this\* \[link\]\(https://evil.example\) &lt;b\>now&lt;/b\>"
    assert card["actions"][0]["data"] == {"action": "ask", "text": "status MP1"}


def test_suggestions_become_ask_buttons_without_their_explanations() -> None:
    card = card_for(message("No such thing.", "status MP159 (Credit Cover Review)", "help"))
    assert [a["data"]["text"] for a in card["actions"]] == ["status MP159", "help"]
    assert card["actions"][0]["title"] == "status MP159 (Credit Cover Review)"


def test_a_kind_without_a_teams_template_shows_its_text_in_a_card(router: Router) -> None:
    answer = ask(router, "meetings")
    card = card_for(answer)
    shown = [block["text"] for block in card["body"]]
    assert len(shown) > 1 and card_problems(card) == []
    assert all(line.strip() for line in shown)


def test_a_broken_answer_still_gets_a_plain_text_reply() -> None:
    broken = Answer("status", MessageView("Only a message"))  # not what status templates need
    activity = answer_activity(broken)
    assert activity.attachments is None
    assert activity.text_format == "plain" and "could not show" in (activity.text or "")


def test_the_summary_is_the_first_line_cut_short() -> None:
    assert summary_of("\n  First line  \nsecond") == "First line"
    assert len(summary_of("x" * 500)) == 200


def test_the_nudge_buttons_carry_the_decision() -> None:
    text = "MP107 waits on the Proposer\nWhich solution to progress"
    card = json.loads(render("teams", "reminder", r={"decision_id": 12}, text=text))
    assert card_problems(card) == []
    assert [(a["title"], a["data"]) for a in card["actions"]] == [
        ("Decision made", {"action": "decision_made", "decision_id": 12}),
        ("Snooze", {"action": "snooze", "decision_id": 12}),
        ("Not me", {"action": "not_me", "decision_id": 12}),
    ]


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ({"type": "AdaptiveCard", "version": "1.6", "body": []}, "version must be '1.5'"),
        (
            {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Carousel"}]},
            "'Carousel' is not an Adaptive Card 1.5 element",
        ),
        (
            {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "txt": "x"}]},
            "TextBlock has no property 'txt'",
        ),
        (
            {
                "type": "AdaptiveCard",
                "version": "1.5",
                "body": [{"type": "TextBlock", "text": "x", "size": "Huge"}],
            },
            "size",
        ),
        (
            {
                "type": "AdaptiveCard",
                "version": "1.5",
                "actions": [{"type": "Action.OpenUrl", "title": "x"}],
            },
            "url",
        ),
        (
            {
                "type": "AdaptiveCard",
                "version": "1.5",
                "body": [
                    {"type": "Container", "items": [{"type": "FactSet", "facts": [{"title": "a"}]}]}
                ],
            },
            "facts",
        ),
    ],
)
def test_the_card_check_finds_what_is_wrong(card: dict, expected: str) -> None:
    problems = card_problems(card)
    assert any(expected in p for p in problems), problems


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=200).filter(lambda t: t.strip()))
def test_any_stored_text_makes_a_card_that_parses_and_validates(text: str) -> None:
    card = card_for(message(text, text[:40]))
    assert card_problems(card) == []
    shown = " ".join(block["text"] for block in card["body"])
    for char in "*_[]()`#":
        assert all(shown[i - 1] == "\\" for i, c in enumerate(shown) if c == char and i > 0)
