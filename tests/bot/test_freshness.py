"""Every answer says where its facts come from and how old they are; past dates in the past."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.render import render_text
from bot.router import Context, Router, build_router
from bot.slack.blocks import message_payload
from bot.teams.cards import card_for
from sec.timefmt import today
from storage.db import transaction
from storage.models import Document, Modification, StatusEntry
from storage.site_models import SitePage, SyncRun

FACT_QUESTIONS = [
    "status MP159",
    "history MP159",
    "release Feb 2022",
    "releases",
    "is MP159 in feb 22",
    "search credit",
    "pending",
    "meetings",
    "deadlines",
]


def ask(router: Router, text: str) -> str:
    return render_text(router.answer(text, Context(as_of=today())))


@freeze_time("2026-12-01 09:00:00")
def test_status_mp159_today_says_its_facts_are_from_2021_and_february_2022_is_past(
    sample_store: sessionmaker[Session],
) -> None:
    text = ask(build_router(sample_store), "status MP159")
    assert "From the CSC paper of 21 September 2021 — over five years ago" in text
    assert "the web page may be newer" in text
    assert "https://smartenergycodecompany.co.uk/modifications/credit-cover-review/" in text
    assert "was due to go live on Thursday 24 February 2022" in text
    assert "going live" not in text and "goes live" not in text
    assert text.startswith("On 21 September 2021, the latest I know, MP159")
    assert "was in the Refinement Process" in text


@freeze_time("2021-09-22 09:00:00")
def test_asked_the_day_after_the_paper_it_is_fresh_and_in_the_future_tense(
    sample_store: sessionmaker[Session],
) -> None:
    text = ask(build_router(sample_store), "status MP159")
    assert "From the CSC paper of 21 September 2021." in text
    assert "may be newer" not in text
    assert "which goes live on Thursday 24 February 2022" in text
    assert "is in the Refinement Process" in text


@freeze_time("2026-12-01 09:00:00")
@pytest.mark.parametrize("question", FACT_QUESTIONS)
def test_every_answer_of_facts_says_where_they_come_from(
    sample_store: sessionmaker[Session], question: str
) -> None:
    router = build_router(sample_store)
    answer = router.answer(question, Context(as_of=today()))
    assert answer.ok, render_text(answer)
    assert "From the CSC paper of 21 September 2021" in render_text(answer)
    slack = message_payload(answer)
    assert "From the CSC paper" in str(slack["blocks"][-1])
    card = card_for(answer)
    assert "From the CSC paper" in card["body"][-1]["text"]


@freeze_time("2026-12-01 09:00:00")
def test_errors_and_help_carry_no_freshness(sample_store: sessionmaker[Session]) -> None:
    router = build_router(sample_store)
    for question in ("status MP999", "help", "subscribe"):
        assert "From the" not in ask(router, question)


@freeze_time("2026-12-01 09:00:00")
def test_a_synced_page_is_named_with_its_check_time(loaded: sessionmaker[Session]) -> None:
    url = "https://smartenergycodecompany.co.uk/modifications/credit-cover-review/"
    checked = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    with transaction(loaded) as session:
        mod = session.scalars(select(Modification).where(Modification.ref == "MP159")).one()
        page = Document(
            name="Credit Cover Review",
            kind="page",
            checksum="p" * 64,
            url=url,
            fetched_at=datetime(2026, 11, 30, 7, 0, tzinfo=UTC),
            doc_date=date(2026, 11, 30),
            recorded_at=checked,
        )
        session.add(page)
        session.flush()
        session.add(
            StatusEntry(
                modification_id=mod.id,
                as_of=date(2026, 11, 30),
                stage="implemented",
                status="Implemented in June 2022.",
                document_id=page.id,
            )
        )
        mod.stage, mod.status, mod.status_as_of = "implemented", "Implemented.", date(2026, 11, 30)
        session.add(
            SitePage(
                url=url,
                kind="modification",
                consecutive_failures=0,
                parse_ok=True,
                last_ok_at=checked,
            )
        )
    text = ask(build_router(loaded), "status MP159")
    assert "From the SECAS page, checked Tuesday 1 December 2026, 08:00." in text
    assert "CSC paper" not in text


@freeze_time("2026-12-01 09:00:00")
def test_sources_lists_papers_the_last_sync_and_failing_pages(
    loaded: sessionmaker[Session],
) -> None:
    at = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    with transaction(loaded) as session:
        session.add(
            SyncRun(
                site="https://smartenergycodecompany.co.uk/",
                started_at=at,
                finished_at=at,
                fetched=3,
                not_modified=240,
                changes=5,
                ok=True,
            )
        )
        session.add(
            SitePage(
                url="https://smartenergycodecompany.co.uk/a/",
                kind="modification",
                consecutive_failures=0,
                parse_ok=True,
                last_ok_at=at,
            )
        )
        session.add(
            SitePage(
                url="https://smartenergycodecompany.co.uk/b/",
                kind="modification",
                consecutive_failures=3,
                last_status=503,
                parse_ok=None,
            )
        )
    text = ask(build_router(loaded), "sources")
    assert "SECAS website: 1 page read, newest check Tuesday 1 December 2026, 07:00." in text
    assert "Last successful sync: Tuesday 1 December 2026, 07:00 (3 fetched, 240 unchanged" in text
    assert (
        "SEC Releases update to the Change Sub-Committee, 21 September 2021 (over five years"
        in text
    )
    assert "https://smartenergycodecompany.co.uk/b/: HTTP 503, 3 times in a row" in text
