"""Command parsing: explicit commands, questions, and anything at all without an exception."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from bot.commands import Command, keywords, parse_command
from bot.render import render_text
from bot.router import Context, build_router

KNOWN = {
    "status",
    "history",
    "release",
    "releases",
    "search",
    "meetings",
    "deadlines",
    "pending",
    "help",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "in-release",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("status MP159", Command("status", "MP159")),
        ("/sec status MP159", Command("status", "MP159")),
        ("STATUS mp159 public", Command("status", "mp159", public=True)),
        ("what's the status of MP159?", Command("status", "MP159")),
        ("where is mp 7 at", Command("status", "SECMP0007")),
        ("what happened to MP107 so far, history please", Command("history", "MP107")),
        ("what's in the February 2022 release?", Command("release", "February 2022")),
        ("is MP128B in Feb 22?", Command("in-release", "MP128B February 2022")),
        ("anything about firmware?", Command("search", "firmware")),
        ("when is the next working group?", Command("meetings", "working group next")),
        ("when is the May 2019 Panel meeting?", Command("meetings", "panel May 2019")),
        ("any meetings?", Command("meetings", "")),
        ("what deadlines are coming up", Command("deadlines", "")),
        ("what's due next month?", Command("deadlines", "next month")),
        ("what is waiting on me", Command("pending", "")),
        ("", Command("help", "")),
        ("hi", Command("help", "")),
        ("timeline MP159", Command("history", "MP159")),
    ],
)
def test_commands_and_questions(text: str, expected: Command) -> None:
    assert parse_command(text, known=KNOWN) == expected


def test_keywords_drop_filler_words() -> None:
    assert keywords("Is there anything about the firmware of IHDs?") == ["firmware", "ihds"]


@given(st.text(max_size=200))
def test_parsing_never_raises_and_names_a_command(text: str) -> None:
    command = parse_command(text, known=KNOWN)
    assert command.name in KNOWN


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(text=st.text(max_size=120))
def test_any_text_gets_an_answer_not_an_error(
    sample_store: sessionmaker[Session], text: str
) -> None:
    router = build_router(sample_store)
    answer = router.answer(text, Context(as_of=date(2021, 9, 22)))
    assert answer.kind != "error"
    assert render_text(answer).strip()
