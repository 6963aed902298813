"""Proposers found by e-mail go through the job context's Directory, whatever implements it:
the Slack directory against the fake Slack, and the nudge job's look-up over any directory."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.templating import render
from jobs.context import Directory, JobContext
from jobs.nudges import look_up_emails
from jobs.senders.slack import SlackDirectory, make_client
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import TOKEN


class Register:
    """A directory that is not Slack (as a Teams or LDAP one would be)."""

    def __init__(self, people: dict[str, str]) -> None:
        self.people = people
        self.asked: list[str] = []

    def lookup_by_email(self, email: str) -> str | None:
        self.asked.append(email)
        return self.people.get(email)


def test_the_slack_directory_asks_users_lookup_by_email(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("Ada@Example.org", "UADA")
    directory: Directory = SlackDirectory(make_client(TOKEN, fake_slack.base_url, timeout=5))
    assert directory.lookup_by_email("ada@example.org") == "UADA"
    assert directory.lookup_by_email("nobody@example.org") is None  # users_not_found
    asked = [c.args["email"] for c in fake_slack.calls("users.lookupByEmail")]
    assert asked == ["ada@example.org", "nobody@example.org"]


def test_an_unreachable_slack_finds_nobody() -> None:
    directory = SlackDirectory(make_client(TOKEN, "http://127.0.0.1:9/api/", timeout=2))
    assert directory.lookup_by_email("ada@example.org") is None


def test_the_nudge_look_up_uses_whatever_directory_it_is_given(
    sessions: sessionmaker[Session],
) -> None:
    register = Register({"ada@example.org": "UADA"})
    ctx = JobContext(sessions=sessions, render=render, senders={}, directory=register)
    found = look_up_emails(ctx, [(1, "ada@example.org"), (2, "bob@example.org")])
    assert found == {1: "UADA"}
    assert register.asked == ["ada@example.org", "bob@example.org"]


def test_without_a_directory_nobody_is_looked_up(sessions: sessionmaker[Session]) -> None:
    ctx = JobContext(sessions=sessions, render=render, senders={})
    assert look_up_emails(ctx, [(1, "ada@example.org")]) == {}
