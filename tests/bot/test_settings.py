"""The one settings object: every variable by its old name, bad values and unsafe pairings
refused at start-up with one line, through the real command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import ConfigurationError, Settings, load_settings

SECRET = "xoxb-very-secret-token-value"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No variable from the developer's shell, no stray .env."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("SLACK_", "TEAMS_", "SECBOT_", "DATABASE_")) or name in (
            "CLIENT_ID",
            "CLIENT_SECRET",
            "TENANT_ID",
        ):
            monkeypatch.delenv(name)


def run_secbot(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_"))}
    base["DATABASE_URL"] = f"sqlite:///{tmp_path / 'secbot.db'}"
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=tmp_path,
        timeout=120,
    )


@pytest.mark.parametrize("command", [["serve"], ["worker"], ["worker", "--once"]])
def test_a_bad_hour_stops_serve_and_worker_with_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    done = run_secbot(tmp_path, {"SECBOT_NUDGE_HOUR": "25"}, *command)
    assert done.returncode == 2
    assert done.stderr == "secbot: configuration error: SECBOT_NUDGE_HOUR must be 0-23 (got 25)\n"
    assert done.stdout == ""


def test_development_mode_beside_teams_credentials_refuses_to_start(tmp_path: Path) -> None:
    env = {"TEAMS_ALLOW_UNAUTHENTICATED": "true", "TEAMS_APP_ID": "app", "SECBOT_NUDGE_HOUR": "9"}
    for command in (["serve"], ["worker", "--once"]):
        done = run_secbot(tmp_path, env, *command)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("secbot: configuration error: TEAMS_ALLOW_UNAUTHENTICATED")
        assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


def test_serve_over_http_refuses_a_token_without_the_signing_secret(tmp_path: Path) -> None:
    done = run_secbot(tmp_path, {"SLACK_BOT_TOKEN": SECRET}, "serve", "--port", "0")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "secbot: configuration error: SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: "
        "Slack's requests cannot be verified over HTTP (set the signing secret, or "
        "SLACK_APP_TOKEN for Socket Mode)"
    ]
    assert SECRET not in done.stderr


def test_the_worker_needs_only_the_token() -> None:
    settings = load_settings(_env_file=None, slack={"bot_token": SECRET})
    assert settings.slack.serving_problem() is not None  # serve would refuse ...
    assert settings.slack.socket_mode is False  # ... the worker just sends with the token


def runner_refusal(env: dict[str, str]) -> str:
    result = CliRunner().invoke(app, ["reminders", "--from", "2019-03-18"], env=env)
    assert result.exit_code == 2, result.output
    return result.stderr.strip()


def test_secrets_are_never_echoed_in_a_refusal() -> None:
    message = runner_refusal({"SLACK_CLIENT_SECRET": SECRET, "TEAMS_APP_PASSWORD": SECRET})
    assert "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together" in message
    assert SECRET not in message


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SECBOT_NUDGE_WEEKDAY": "5"}, "SECBOT_NUDGE_WEEKDAY must be 0-4 (got 5)"),
        ({"SECBOT_NUDGE_HOUR": "ten"}, "SECBOT_NUDGE_HOUR must be a whole number (got ten)"),
        ({"SECBOT_SYNC_APPLY": "maybe"}, "SECBOT_SYNC_APPLY must be 'auto' or 'review'"),
        ({"SECBOT_SYNC_RATE": "0"}, "SECBOT_SYNC_RATE must be more than 0 (got 0)"),
        ({"SECBOT_SYNC_RATE": "50"}, "SECBOT_SYNC_RATE must be 0-10 (got 50)"),
        ({"SECBOT_SYNC_SCHEDULE": "every hour"}, "SECBOT_SYNC_SCHEDULE must be cron hours"),
        ({"SECBOT_SITE_URL": "ftp://x"}, "SECBOT_SITE_URL must be a web address"),
        ({"SECBOT_INGEST_MAX_BYTES": "-1"}, "SECBOT_INGEST_MAX_BYTES must be more than 0"),
        ({"TEAMS_MESSAGING_ENDPOINT": "api"}, "TEAMS_MESSAGING_ENDPOINT must start with '/'"),
        ({"SECBOT_ADMIN_CHANNEL": "teams:"}, "SECBOT_ADMIN_CHANNEL must name a channel"),
        ({"SECBOT_TIMEZONE": "Europe/Paris"}, "SECBOT_TIMEZONE is no longer read"),
    ],
)
def test_bad_values_are_refused_by_name(env: dict[str, str], expected: str) -> None:
    message = runner_refusal(env)
    assert message.startswith(f"secbot: configuration error: {expected}")
    assert "\n" not in message


def test_london_in_the_retired_timezone_variable_is_harmless() -> None:
    result = CliRunner().invoke(
        app, ["reminders", "--from", "2019-03-18"], env={"SECBOT_TIMEZONE": "Europe/London"}
    )
    assert "configuration error" not in result.output


def test_every_section_reads_its_old_variable_names(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "DATABASE_URL": "sqlite:///x.db",
        "SLACK_BOT_TOKEN": SECRET,
        "SLACK_SIGNING_SECRET": "signing",
        "CLIENT_ID": "teams-app",  # the Teams SDK's own name
        "TEAMS_TENANT_ID": "tenant",
        "SECBOT_INGEST_EXTRA_URLS": "http://127.0.0.1:9/papers/",
        "SECBOT_NUDGE_WEEKDAY": "2",
        "SECBOT_ADMIN_CHANNEL": " teams:19:admins ",
        "SECBOT_SLACK_PACE": "0.5",
        "SECBOT_SYNC_CONTACT": "ops@example.org",
        "SECBOT_SYNC_ENABLED": "false",
        "SECBOT_ADMINS": "U1, console",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.database.url == "sqlite:///x.db"
    assert settings.slack.bot_token is not None
    assert settings.slack.bot_token.get_secret_value() == SECRET
    assert (settings.teams.app_id, settings.teams.tenant_id) == ("teams-app", "tenant")
    assert settings.ingest.url_prefixes[1] == "http://127.0.0.1:9/papers/"
    assert settings.nudges.policy().admin == ("teams", "19:admins")
    assert settings.nudges.weekday == 2 and settings.nudges.hour == 10
    assert settings.worker.slack_pace_seconds == 0.5
    assert settings.site.contact == "ops@example.org" and settings.site.enabled is False
    assert settings.site.url == "https://smartenergycodecompany.co.uk/"
    assert settings.admins == {"U1", "console"}
    assert SECRET not in repr(settings) and SECRET not in str(settings)
    assert SECRET in settings.secrets()


def test_the_environment_wins_over_the_dotenv_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("SECBOT_NUDGE_HOUR=9\nSECBOT_NUDGE_WEEKDAY=3\n")
    monkeypatch.setenv("SECBOT_NUDGE_HOUR", "14")
    settings = load_settings()
    assert (settings.nudges.hour, settings.nudges.weekday) == (14, 3)
    assert load_settings(_env_file=None).nudges.weekday == 0


def test_the_site_contract_defaults() -> None:
    site = Settings(_env_file=None).site
    assert (site.requests_per_second, site.apply, site.timeout_seconds) == (1.0, "auto", 20)
    assert (site.max_page_bytes, site.schedule) == (2_000_000, "7-19/2")


@given(st.integers(min_value=-1000, max_value=1000))
def test_only_hours_of_the_day_are_accepted(hour: int) -> None:
    try:
        settings = load_settings(_env_file=None, nudges={"SECBOT_NUDGE_HOUR": hour})
    except ConfigurationError as error:
        assert not 0 <= hour <= 23
        assert str(error) == f"SECBOT_NUDGE_HOUR must be 0-23 (got {hour})"
    else:
        assert settings.nudges.hour == hour
