"""subscribe / unsubscribe / subscriptions: the channel typed in, or the person in a DM."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from bot.router import Context, Router, build_router
from storage import subscriptions as store
from tests.conftest import database_url_for

CHANNEL = Context(as_of=date(2021, 10, 1), user="U1", channel="C1", surface="slack")
DM = Context(as_of=date(2021, 10, 1), user="U1", channel="D1", surface="slack", is_direct=True)


@pytest.fixture
def router(sample_store: sessionmaker[Session]) -> Router:
    return build_router(sample_store)


def _rows(sessions: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    with sessions() as session:
        return [(s.channel, s.topic, s.value) for s in store.list_subscriptions(session)]


@pytest.mark.parametrize(
    ("typed", "topic", "value"),
    [
        ("all", "all", ""),
        ("meetings", "meetings", ""),
        ("deadline", "deadlines", ""),
        ("mp 159", "ref", "MP159"),
        ("SECMP7", "ref", "SECMP0007"),
        ("release Feb 2022", "release", "February 2022"),
        ("feb22", "release", "February 2022"),
    ],
)
def test_topics(loaded: sessionmaker[Session], typed: str, topic: str, value: str) -> None:
    answer = build_router(loaded).answer(f"subscribe {typed}", CHANNEL)
    assert answer.ok, answer.model.text
    assert _rows(loaded) == [("C1", topic, value)]


def test_channel_or_person(loaded: sessionmaker[Session]) -> None:
    router = build_router(loaded)
    assert router.answer("subscribe meetings", CHANNEL).model.text.startswith("Done: this channel")
    assert router.answer("subscribe meetings", DM).model.text.startswith("Done: you")
    assert "already get reminders" in router.answer("sub meetings", DM).model.text
    listed = router.answer("subscriptions", DM)
    assert listed.ok and "meetings" in listed.model.text
    assert sorted(_rows(loaded)) == [("C1", "meetings", ""), ("U1", "meetings", "")]
    assert router.answer("unsubscribe meetings", CHANNEL).ok
    assert not router.answer("unsubscribe meetings", CHANNEL).ok
    assert _rows(loaded) == [("U1", "meetings", "")]


def test_bad_topics_explain(router: Router) -> None:
    for typed in ("", "release Smarch 2031", "MP999", "weather"):
        answer = router.answer(f"subscribe {typed}", CHANNEL)
        assert not answer.ok and answer.model.text


def _url(engine: Engine) -> str:
    """A DATABASE_URL reaching the test store (its PostgreSQL schema, if any)."""
    if engine.dialect.name == "sqlite":
        return database_url_for(engine, None)
    with engine.connect() as conn:
        return database_url_for(engine, conn.execute(text("select current_schema()")).scalar())


def test_cli_subscribe_and_unsubscribe(engine, loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", _url(engine))
    runner = CliRunner()
    first = runner.invoke(app, ["subscribe", "C0CLI", "release", "Feb", "2022"])
    again = runner.invoke(app, ["subscribe", "C0CLI", "release", "Feb", "2022"])
    assert (first.exit_code, again.exit_code) == (0, 0), first.output
    assert "C0CLI will get reminders about the February 2022 SEC Release" in first.output
    assert "already gets" in again.output
    assert _rows(loaded) == [("C0CLI", "release", "February 2022")]
    gone = runner.invoke(app, ["unsubscribe", "C0CLI", "release", "February", "2022"])
    missing = runner.invoke(app, ["unsubscribe", "C0CLI", "meetings"])
    assert (gone.exit_code, missing.exit_code) == (0, 1)
    assert _rows(loaded) == []
