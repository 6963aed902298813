"""Run the question bank through the router on SQLite and PostgreSQL (the sample store)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.render import render_text
from bot.router import Context, Router, build_router
from tests.bot.question_bank.bank import BANK, Q
from tests.bot.question_bank.bank_more import MORE

ALL = [*BANK, *MORE]


@pytest.fixture(scope="module")
def router(sample_store: sessionmaker[Session]) -> Router:
    return build_router(sample_store)


def test_bank_is_big_and_covers_every_style() -> None:
    styles = Counter(q.style for q in ALL)
    assert len(ALL) >= 200
    assert set(styles) >= {"command", "list", "sentence", "typo", "ocr", "as-of", "negative"}


@pytest.mark.parametrize("q", ALL, ids=[f"{q.style}:{q.text[:40]}@{q.as_of}" for q in ALL])
def test_question(router: Router, q: Q) -> None:
    answer = router.answer(q.text, Context(as_of=q.as_of))
    text = render_text(answer)
    assert answer.ok is q.ok, text
    for fact in q.present:
        assert fact.lower() in text.lower(), f"{fact!r} missing from:\n{text}"
    for fact in q.absent:
        assert fact.lower() not in text.lower(), f"{fact!r} should not be in:\n{text}"
