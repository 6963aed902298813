"""`secbot worker`, `secbot reminders` and `secbot deliveries` through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from storage.db import make_engine, session_factory, transaction
from storage.sample import load_sample
from storage.schema import Base
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import TOKEN, posted, subscribe

AGENDA = "agenda_deadline:wg-2019-04@secbot:2019-03-20-2wd"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'secbot.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        load_sample(session)
    subscribe(sessions, "C1", "all")
    engine.dispose()
    monkeypatch.chdir(tmp_path)  # no stray .env
    return {
        "DATABASE_URL": url,
        "SLACK_API_BASE_URL": fake_slack.base_url,
        "SLACK_BOT_TOKEN": TOKEN,
    }


def test_reminders_prints_the_plan_one_a_line(env: dict[str, str], fake_slack: FakeSlack) -> None:
    result = CliRunner().invoke(
        app, ["reminders", "--from", "2019-03-18", "--to", "2019-04-02"], env=env
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Monday 18 March 2019, 09:00  {AGENDA}  Working Group agenda")
    assert any("meeting:wg-2019-04@secbot:2019-04-03-1wd" in line for line in lines)
    assert lines[-1].endswith("reminders from 2019-03-18 to 2019-04-02.")
    assert fake_slack.calls() == []  # nothing sent


def test_worker_once_sends_once_and_deliveries_lists_it(
    env: dict[str, str], fake_slack: FakeSlack
) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["worker", "--once", "--at", "2019-03-18T09:00"], env=env)
    assert first.exit_code == 0, first.output
    assert "secbot.reminders at Monday 18 March 2019, 09:00: planned 1, enqueued 1" in first.output
    again = runner.invoke(app, ["worker", "--once", "--at", "2019-03-18T09:00"], env=env)
    assert again.exit_code == 0
    assert [key for _, key in posted(fake_slack)].count(AGENDA) == 1
    listing = runner.invoke(app, ["deliveries"], env=env)
    assert AGENDA in listing.output and "sent" in listing.output
    dead = runner.invoke(app, ["deliveries", "--state", "dead"], env=env)
    assert dead.output.strip() == "0 deliveries in state dead."


def test_worker_at_needs_once(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["worker", "--at", "2019-03-18T09:00"], env=env)
    assert result.exit_code == 2
