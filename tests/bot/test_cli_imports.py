"""`secbot ask` pays only for what it uses: no Slack or Teams SDK, scheduler, Alembic or loader.

The command runs in a subprocess of its own (a fresh interpreter, as from the shell) that writes
the names in ``sys.modules`` when it exits; the test reads them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# What `secbot ask` never needs, and what each costs it at start-up when imported anyway.
NOT_FOR_ASK = (
    "slack_bolt",  # the Slack app: `serve` only
    "slack_sdk",  # the Slack Web API client: `serve` and the senders
    "microsoft_teams",  # the Teams SDK: `serve` and the Teams sender
    "apscheduler",  # the scheduler: `worker` only
    "alembic",  # migrations: `init` only
    "jobs.worker",
    "storage.sample",  # the bundled sample loader: `init` only
    "bot.console",
    "icalendar",  # the calendar feed and `calendar --ics`
    "sqlalchemy.dialects.postgresql",  # on SQLite
)

RUN = """
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["secbot", *sys.argv[1:]]
from bot.cli import main
main()
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("ask-imports")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SECBOT_"))}
    env["DATABASE_URL"] = f"sqlite:///{home / 'secbot.db'}"
    init = [sys.executable, "-c", RUN, str(home / "init.json"), "init"]
    subprocess.run(init, env=env, cwd=home, check=True, capture_output=True, timeout=180)
    return env


def _modules_of(env: dict[str, str], tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(out), *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Credit Cover Review" in done.stdout
    return set(json.loads(out.read_text()))


def test_ask_imports_none_of_what_it_does_not_use(store: dict[str, str], tmp_path: Path) -> None:
    modules = _modules_of(store, tmp_path, "ask", "status MP159")
    loaded = sorted(
        name
        for name in modules
        for unwanted in NOT_FOR_ASK
        if name == unwanted or name.startswith(unwanted + ".")
    )
    assert loaded == []
    assert "bot.router" in modules and "sqlalchemy.orm" in modules  # it did answer
