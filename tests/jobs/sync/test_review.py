"""Review mode: each page change set the sync keeps is shown to the administrators once, as the
paper diff message, and Apply writes it with its change events (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.templating import render
from jobs.context import JobContext
from jobs.sync.job import sync_job
from jobs.sync.review import KIND, review_key
from sec.timefmt import LONDON
from storage import pending_ingests
from storage.change_events import untold_events
from storage.db import transaction
from storage.delivery_models import Delivery
from storage.ingest_models import APPLIED, PENDING, PendingIngest
from tests.bot.slack.block_kit import validate
from tests.fakes.secas_site import FakeSecasSite
from tests.jobs.sync.conftest import config_for

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


class _NoSend:
    """A Slack sender this test never asks to send (the rows stay in the outbox)."""


def _job(sessions: sessionmaker[Session], site: FakeSecasSite) -> dict[str, Any]:
    config = config_for(site, apply="review", admin_channel="CADMIN")
    ctx = JobContext(sessions=sessions, render=render, senders={"slack": _NoSend()}, sync=config)  # type: ignore[dict-item]
    return dict(sync_job(ctx, MONDAY))


def _offers(sessions: sessionmaker[Session]) -> list[Delivery]:
    with sessions() as session:
        return list(session.scalars(select(Delivery).where(Delivery.kind == KIND)))


def _buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    actions = [b for b in blocks if b["type"] == "actions"]
    return {e["text"]["text"]: e["value"] for a in actions for e in a["elements"]}


def test_each_kept_page_is_posted_once_with_apply_and_discard(
    loaded: sessionmaker[Session], site: FakeSecasSite
) -> None:
    counts = _job(loaded, site)
    with loaded() as session:
        pending = list(session.scalars(select(PendingIngest).where(PendingIngest.state == PENDING)))
    assert pending and counts["review_offers"] == len(pending)
    offers = _offers(loaded)
    assert sorted(o.reminder_key for o in offers) == sorted(review_key(p) for p in pending)
    assert {(o.surface, o.recipient) for o in offers} == {("slack", "CADMIN")}
    for offer in offers:
        blocks = offer.payload["blocks"]
        assert validate(blocks) == blocks
        assert blocks[0]["text"]["text"].startswith("Site page: ")
        assert "would change" in offer.payload["text"]
        row = next(p for p in pending if review_key(p) == offer.reminder_key)
        assert _buttons(blocks) == {"Apply": str(row.id), "Discard": str(row.id)}
        assert "review mode" in str(blocks) and row.source in str(blocks)

    again = _job(loaded, site)  # the next pass: same pages, nothing posted twice
    assert again["review_offers"] == 0 and len(_offers(loaded)) == len(offers)


def test_apply_on_a_reviewed_page_writes_it_and_tells_subscribers(
    loaded: sessionmaker[Session], site: FakeSecasSite
) -> None:
    _job(loaded, site)
    with loaded() as session:
        row = session.scalars(select(PendingIngest).order_by(PendingIngest.id)).first()
        assert row is not None
        pending_id, workspace = row.id, row.workspace
    with transaction(loaded) as session:
        decided = pending_ingests.apply_pending(
            session, pending_id=pending_id, actor="UADMIN", now=MONDAY, workspace=workspace
        )
    assert decided.moved and decided.pending is not None and decided.pending.state == APPLIED
    with loaded() as session:
        events = untold_events(session)
    assert events and not any(e.baseline for e in events)
