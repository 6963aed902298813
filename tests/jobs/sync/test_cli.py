"""`secbot sync` on the command line: what it prints, --json, --dry-run, and its exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.fakes.secas_site import MAINTENANCE, MP159, FakeSecasSite


def run(args: list[str], db: Path, site_url: str):  # type: ignore[no-untyped-def]
    env = {
        "DATABASE_URL": f"sqlite:///{db}",
        "SECBOT_SITE_URL": site_url,
        "SECBOT_SYNC_RATE": "10",
        "SECBOT_SYNC_CONTACT": "ops@example.org",
    }
    return CliRunner().invoke(app, args, env=env)


def test_init_then_sync_then_sync_again(site: FakeSecasSite, tmp_path: Path) -> None:
    db = tmp_path / "secbot.db"
    assert run(["init"], db, site.url).exit_code == 0
    first = run(["sync"], db, site.url)
    assert first.exit_code == 0, first.output
    assert "~ MP159: stage refinement → implemented" in first.output
    assert "Baseline sync: nobody is notified." in first.output
    second = run(["sync", "--json"], db, site.url)
    data = json.loads(second.stdout)
    assert second.exit_code == 0 and data["counts"]["changes"] == 0 and not data["baseline"]
    assert data["counts"]["fetched"] == 0


def test_dry_run_and_a_maintenance_page(site: FakeSecasSite, tmp_path: Path) -> None:
    db = tmp_path / "secbot.db"
    run(["init"], db, site.url)
    dry = run(["sync", "--dry-run"], db, site.url)
    assert "dry run: nothing was written" in dry.output
    assert "stage refinement → implemented" in run(["sync"], db, site.url).output
    site.set_page(MP159, MAINTENANCE)
    after = run(["sync"], db, site.url)
    assert after.exit_code == 0
    assert "none of a modification page's fields; nothing changed" in after.output


def test_unreachable_site_exits_1(tmp_path: Path) -> None:
    fake = FakeSecasSite().start()
    url = fake.url
    fake.stop()
    db = tmp_path / "secbot.db"
    run(["init"], db, url)
    result = run(["sync"], db, url)
    assert result.exit_code == 1 and "could not be reached" in result.output
