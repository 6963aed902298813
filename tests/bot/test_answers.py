"""The router's answers over the sample data, as people ask for them, rendered as text."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.render import render_text
from bot.router import Context, Router, build_router
from bot.views import Answer


@pytest.fixture(scope="module")
def router(sample_store: sessionmaker[Session]) -> Router:
    return build_router(sample_store)


def ask(router: Router, text: str, as_of: date = date(2021, 9, 22)) -> tuple[Answer, str]:
    answer = router.answer(text, Context(as_of=as_of))
    return answer, render_text(answer)


def test_status_names_title_stage_release_and_link(router: Router) -> None:
    answer, text = ask(router, "status MP159")
    assert answer.ok and answer.kind == "status"
    assert "Credit Cover Review" in text
    assert "Refinement Process" in text
    assert "February 2022 SEC Release" in text and "Thursday 24 February 2022" in text
    assert "https://smartenergycodecompany.co.uk/modifications/credit-cover-review/" in text


def test_status_lists_next_milestones_as_of_the_day(router: Router) -> None:
    _, text = ask(router, "status MP159", as_of=date(2021, 9, 22))
    assert "October 2021" in text and "Working Group" in text
    _, later = ask(router, "status MP159", as_of=date(2022, 6, 1))
    # Everything it knew of is past: the latest plan is still shown, marked as passed.
    assert "that date has passed" in later


@pytest.mark.parametrize(
    "question",
    ["what's the status of MP159?", "where is mp 159 at", "159", "status mp159", "MP 159 public"],
)
def test_questions_map_to_the_status_answer(router: Router, question: str) -> None:
    answer, text = ask(router, question)
    assert answer.kind == "status", text
    assert "Credit Cover Review" in text


def test_early_references_answer_in_any_spelling(router: Router) -> None:
    for typed in ("where is mp 7 at", "SECMPO0007", "status 7"):
        answer, text = ask(router, typed, as_of=date(2019, 3, 8))
        assert answer.kind == "status" and "SECMP0007" in text, typed


def test_status_as_of_a_day_uses_what_was_known_then(router: Router) -> None:
    _, in_2017 = ask(router, "status SECMP0007", as_of=date(2017, 5, 1))
    _, in_2021 = ask(router, "status SECMP0007", as_of=date(2021, 9, 22))
    assert "(10 April 2017)" in in_2017
    assert "(21 September 2021)" in in_2021 and "Approved" in in_2021


def test_unknown_reference_is_a_helpful_failure(router: Router) -> None:
    answer, text = ask(router, "status MP999")
    assert not answer.ok and answer.kind == "not_found"
    assert "MP999" in text and "Try:" in text


def test_unknown_alternative_points_at_the_real_one(router: Router) -> None:
    answer, text = ask(router, "status MP128A")
    assert not answer.ok
    assert "MP128B" in text


def test_not_a_reference_suggests_matches(router: Router) -> None:
    # Words that fit several titles are answered briefly for each (issue 15), not refused.
    answer, text = ask(router, "status firmware")
    assert "SECMP0007" in text or "SECMP0024" in text


def test_history_lists_each_paper_oldest_first(router: Router) -> None:
    answer, text = ask(router, "history SECMP0007")
    assert answer.kind == "history"
    lines = [line for line in text.splitlines() if line.startswith("  - ")]
    assert len(lines) == 3
    assert lines[0].startswith("  - 10 April 2017") and lines[-1].startswith(
        "  - 21 September 2021"
    )


@pytest.mark.parametrize(
    "typed",
    [
        "release Feb 2022",
        "release February 2022 SEC Release",
        "release feb22",
        "what's in the February 2022 release?",
    ],
)
def test_release_answers_however_it_is_named(router: Router, typed: str) -> None:
    answer, text = ask(router, typed)
    assert answer.kind == "release", text
    assert text.startswith("February 2022 SEC Release: goes live on Thursday 24 February 2022")


def test_release_scope_shows_changes(router: Router) -> None:
    _, text = ask(router, "release Feb 2022")
    assert "MP128B" in text and "added to scope" in text
    removed = text.split("Removed from scope:")[1]
    assert "MP154" in removed


def test_november_2022_release_lists_its_seven_modifications(router: Router) -> None:
    answer, text = ask(router, "release Nov 2022")
    assert answer.ok and "In scope (7):" in text
    for ref in ("SECMP0015", "SECMP0056", "MP078", "MP099", "MP107", "MP140", "MP141"):
        assert ref in text


def test_releases_lists_all_by_date(router: Router) -> None:
    answer, text = ask(router, "releases")
    assert answer.kind == "releases"
    order = [
        t for t in ("November 2021", "February 2022", "June 2022", "November 2022") if t in text
    ]
    assert order == sorted(order, key=text.index) and len(order) == 4


def test_membership_questions(router: Router) -> None:
    answer, text = ask(router, "is MP128B in Feb 22?")
    assert answer.kind == "membership" and text.startswith("Yes") and "added" in text
    _, removed = ask(router, "is MP154 in the February 2022 release?")
    assert removed.startswith("No") and "removed" in removed
    _, absent = ask(router, "is MP159 in Nov 2022?")
    assert absent.startswith("No")


def test_unknown_release(router: Router) -> None:
    answer, text = ask(router, "release March 2031")
    assert not answer.ok and "March 2031" in text


def test_search_ranks_title_matches_first(router: Router) -> None:
    answer, text = ask(router, "anything about firmware?")
    assert answer.kind == "search"
    hits = [line for line in text.splitlines() if line.startswith("  - ")]
    assert hits and all("irmware" in hit for hit in hits[:2])


def test_search_with_no_hits_says_so(router: Router) -> None:
    answer, text = ask(router, "search zebra crossings")
    assert not answer.ok and "zebra" in text


def test_pending_lists_open_decisions_oldest_first(router: Router) -> None:
    answer, text = ask(router, "pending", as_of=date(2021, 9, 22))
    assert answer.kind == "pending" and "MP107" in text
    assert "Working Days" in text


def test_help_and_unknown_commands(router: Router) -> None:
    answer, text = ask(router, "help")
    assert answer.kind == "help" and "status <ref>" in text
    empty, _ = ask(router, "")
    assert empty.kind == "help"


def test_administrator_commands_are_refused_for_others(router: Router) -> None:
    admin_routes = [r.name for r in router.commands(admin=True)]
    for name in admin_routes:
        answer, text = ask(router, f"{name} MP159 x")
        assert not answer.ok and "administrators" in text


def test_hostile_input_never_raises(router: Router) -> None:
    for text in [
        "status",
        "status ''",
        "release",
        "history <!channel>",
        "status MP" + "9" * 500,
        "\x00\x01",
        "search %_%",
        "release 0000-00",
    ]:
        answer, rendered = ask(router, text)
        assert rendered and answer.kind != "error", text
