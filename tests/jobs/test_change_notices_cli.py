"""Done when (issue 13): `subscribe C1 changes`, a change on the fake site, `secbot sync` and
`secbot worker --once` post it to C1 once, threaded per modification; again, nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from sec.timefmt import LONDON
from tests.fakes.secas_site import (
    MP104,
    NOV_2026,
    FakeSecasSite,
    modification_page,
    release_page,
    small_site,
)
from tests.fakes.slack_api import FakeSlack

SECBOT = str(Path(sys.executable).with_name("secbot"))


@dataclass
class Cli:
    env: dict[str, str]
    cwd: Path
    slack: FakeSlack

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [SECBOT, *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        return done.stdout

    def round(self) -> None:
        self.run("sync")
        self.run("worker", "--once", "--at", datetime.now(LONDON).isoformat(timespec="seconds"))

    def posts(self) -> list[dict]:
        return [c.args for c in self.slack.calls("chat.postMessage") if c.args["channel"] == "C1"]


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[tuple[Cli, FakeSecasSite]]:
    site, slack = small_site().start(), FakeSlack().start()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "SECBOT_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'secbot.db'}",
        SLACK_BOT_TOKEN="xoxb-cli",
        SLACK_API_BASE_URL=slack.base_url,
        SECBOT_SITE_URL=site.url,
        SECBOT_SYNC_RATE="10",
        SECBOT_SLACK_PACE="0.01",
    )
    yield Cli(env, tmp_path, slack), site
    site.stop()
    slack.stop()


def mp104(stage: str, latest: str) -> str:
    return modification_page(
        "MP104 Security Improvements",
        proposer="A Network Operator plc",
        analyst="Jo Analyst",
        raised="02/03/2020",
        stage=stage,
        implementation="05/11/2026 (Nov 26 SEC Release)",
        latest=latest,
        layout="table",
    )


def test_a_site_change_is_posted_once_and_threaded_per_modification(
    cli: tuple[Cli, FakeSecasSite],
) -> None:
    run, site = cli
    run.run("init")
    run.round()  # the baseline: nobody hears of it
    assert run.slack.calls("chat.postMessage") == []
    assert "every change" in run.run("subscribe", "C1", "changes")

    site.set_page(
        MP104, mp104("Implemented", "This modification was implemented on 5 November 2026.")
    )
    site.set_page(
        NOV_2026,
        release_page(
            "November 2026",
            "The November 2026 SEC Release went live on 5 November 2026.",
            [
                "MP104 'Security Improvements' – Implemented",
                "DP190 'Improving registration data flows' – Targeted",
            ],
        ),
    )
    run.round()
    first = run.posts()
    assert sorted(p["metadata"]["event_payload"]["key"].split(":")[1] for p in first) == [
        "DP190",
        "MP104",
    ]
    [notice] = [p for p in first if "MP104" in p["text"]]
    assert "Stage moved from Approved to Implemented" in notice["text"]
    assert all("thread_ts" not in p for p in first)

    run.round()  # nothing changed: nothing posted
    assert len(run.posts()) == len(first)

    site.set_page(MP104, mp104("Implemented", "SECAS published the implementation report."))
    run.round()
    [reply] = run.posts()[len(first) :]
    parent = next(m for m in run.slack.messages("C1") if m["ts"] == reply["thread_ts"])
    assert "MP104" in parent["text"] and "implementation report" in parent["text"]  # updated
    assert [c.args["ts"] for c in run.slack.calls("chat.update")] == [parent["ts"]]
    run.round()
    assert len(run.posts()) == len(first) + 1
