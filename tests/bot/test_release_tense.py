"""Release dates speak in the tense of the answer's day on every surface: went live (the store
knows it happened), was due to go live (passed, not known to have happened), goes live."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.render import render_text
from bot.router import Context, build_router
from bot.slack.blocks import message_payload
from bot.teams.cards import card_for
from sec.lifecycle import Stage
from storage.db import transaction
from storage.models import Modification

LATER = date(2026, 12, 1)
BEFORE = date(2021, 10, 1)


def _said(answer: object) -> list[str]:
    """The answer as each surface says it."""
    return [
        render_text(answer),  # type: ignore[arg-type]
        json.dumps(message_payload(answer)["blocks"], ensure_ascii=False),  # type: ignore[arg-type]
        json.dumps(card_for(answer), ensure_ascii=False),  # type: ignore[arg-type]
    ]


def test_releases_before_after_and_once_implemented(loaded: sessionmaker[Session]) -> None:
    router = build_router(loaded)
    ahead = router.answer("releases", Context(as_of=BEFORE, surface="slack"))
    for said in _said(ahead):
        assert "goes live on Thursday 24 February 2022" in said and "gone live" not in said
    passed = router.answer("releases", Context(as_of=LATER, surface="slack"))
    for said in _said(passed):
        assert "was due to go live on Thursday 24 February 2022" in said.replace("Was", "was")
        assert "gone live" not in said
    with transaction(loaded) as session:  # a modification of its scope is implemented
        mp109 = session.scalars(select(Modification).where(Modification.ref == "MP109")).one()
        mp109.stage = Stage.IMPLEMENTED
    for text in ("releases", "release February 2022", "is MP109 in February 2022?"):
        answer = build_router(loaded).answer(text, Context(as_of=LATER, surface="slack"))
        for said in _said(answer):
            assert "went live on Thursday 24 February 2022" in said.replace("Went", "went"), said
