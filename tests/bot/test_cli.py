"""`secbot init` and `secbot ask` as a person runs them: real processes, real databases."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import database_url_for, drop_test_engine, make_test_engine


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    engine, schema = make_test_engine(backend, tmp_path)
    yield database_url_for(engine, schema)
    drop_test_engine(engine, schema)


def secbot(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("SECBOT_ADMINS", None)
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_init_is_safe_twice_and_ask_answers(database_url: str) -> None:
    first = secbot(database_url, "init")
    assert first.returncode == 0, first.stderr
    assert "Loaded" in first.stdout
    second = secbot(database_url, "init")
    assert second.returncode == 0 and "already present" in second.stdout

    status = secbot(database_url, "ask", "status", "MP159")
    assert status.returncode == 0
    assert "Credit Cover Review" in status.stdout and "February 2022 SEC Release" in status.stdout

    release = secbot(database_url, "ask", "release Nov 2022")
    assert release.returncode == 0 and "In scope (7):" in release.stdout

    unknown = secbot(database_url, "ask", "status MP999")
    assert unknown.returncode == 1 and "MP999" in unknown.stdout
    assert "Traceback" not in unknown.stderr


def test_as_of_and_usage_errors(database_url: str) -> None:
    assert secbot(database_url, "init").returncode == 0
    old = secbot(database_url, "ask", "--as-of", "2019-03-08", "status", "SECMP0024")
    assert old.returncode == 0 and "June 2019" in old.stdout
    bad_day = secbot(database_url, "ask", "--as-of", "someday", "status", "MP159")
    assert bad_day.returncode == 2 and "not a day" in bad_day.stderr
    no_text = secbot(database_url, "ask")
    assert no_text.returncode == 2


def test_empty_init_creates_only_the_schema(database_url: str) -> None:
    assert secbot(database_url, "init", "--empty").returncode == 0
    answer = secbot(database_url, "ask", "status MP159")
    assert answer.returncode == 1
