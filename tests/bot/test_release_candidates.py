"""A release known only by its candidates (November 2019) shows them apart from its scope, on
every surface, and says which papers it comes from (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from bot.render import render_text
from bot.router import Context, build_router
from bot.slack.blocks import message_payload
from bot.teams.cards import card_for

AS_OF = date(2019, 6, 1)
CANDIDATES = ("SECMP0053", "SECMP0062")


def test_candidates_are_shown_apart_from_the_scope(sample_store: sessionmaker[Session]) -> None:
    answer = build_router(sample_store).answer(
        "release Nov 2019", Context(as_of=AS_OF, surface="slack")
    )
    assert answer.kind == "release" and answer.model.in_scope == []
    assert [c.ref for c in answer.model.candidates] == list(CANDIDATES)
    text = render_text(answer)
    assert "In scope (0)" in text and "Candidates (not in scope):" in text
    slack = json.dumps(message_payload(answer)["blocks"], ensure_ascii=False)
    teams = json.dumps(card_for(answer), ensure_ascii=False)
    for said in (text, slack, teams):
        assert all(ref in said for ref in CANDIDATES) and "at risk" in said.lower()
    assert "Candidates, not in scope" in slack and "Candidates, not in scope" in teams


def test_the_releases_list_counts_candidates_separately(
    sample_store: sessionmaker[Session],
) -> None:
    answer = build_router(sample_store).answer("releases", Context(as_of=AS_OF, surface="slack"))
    [nov] = [r for r in answer.model.releases if r.title.startswith("November 2019")]
    assert (nov.in_scope, nov.candidates) == (0, 2)
    assert "0 modifications (and 2 candidates, not in scope)" in render_text(answer)


def test_a_candidates_only_release_names_its_papers(sample_store: sessionmaker[Session]) -> None:
    answer = build_router(sample_store).answer(
        "release Nov 2019", Context(as_of=AS_OF, surface="console")
    )
    said = render_text(answer)
    assert "Entered by an administrator" not in said
    assert "Panel paper of 8 March 2019" in said
