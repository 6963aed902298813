"""Every workspace its own: two OAuth installs through the fake Slack, `/sec subscribe` in each
(signed requests through the real HTTP stack), `secbot worker --once` posting to each with its
own token, isolation between them, per-workspace administrators, and uninstall."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from sqlalchemy import select

from bot.slack.oauth import SCOPES
from bot.web import create_web_app
from sec.timefmt import LONDON, now
from storage.db import transaction
from storage.delivery_models import Delivery
from storage.installations import installation_store
from storage.models import AuditEntry, Subscription
from storage.outbox import NewDelivery, enqueue_deliveries
from storage.tenancy_models import Workspace
from tests.bot.slack.conftest import (
    SIGNING_SECRET,
    SlackDriver,
    Store,
    both_databases,
    make_services,
    make_settings,
    serve_in_thread,
)
from tests.conftest import database_url_for
from tests.fakes.signing import event_body
from tests.fakes.slack_api import FakeSlack, Install

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret-9d8e"
MANIFEST = Path(__file__).resolve().parents[3] / "slack" / "manifest.yml"


@dataclass(frozen=True)
class Tenant:
    team: str
    channel: str
    token: str
    installer: str


A = Tenant("TAAAA1", "CAAAA1", "xoxb-team-a-0001", "UAINSTALL")
B = Tenant("TBBBB2", "CBBBB2", "xoxb-team-b-0002", "UBINSTALL")


@pytest.fixture
def oauth_slack(fake_slack: FakeSlack, store: Store) -> Iterator[SlackDriver]:
    settings = make_settings(
        fake_slack,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
    )
    app = create_web_app(make_services(settings, store.engine, store.sessions))
    with serve_in_thread(app) as url:
        yield SlackDriver(url, fake_slack)


def install(slack: SlackDriver, tenant: Tenant, *, rotate: bool = False) -> None:
    """The whole OAuth dance for one workspace: install page, Slack's redirect, token exchange."""
    code = f"code-{tenant.team}"
    slack.fake.add_install(
        code,
        Install(
            tenant.team, tenant.token, installer=tenant.installer, rotate=rotate, expires_in=30
        ),
    )
    page = httpx.get(f"{slack.url}/slack/install")
    link = re.search(r'href="([^"]+/oauth/v2/authorize[^"]+)"', page.text)
    assert link is not None, page.text
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    cookie = page.headers["set-cookie"].split(";")[0]
    done = httpx.get(
        f"{slack.url}/slack/oauth_redirect",
        params={"code": code, "state": query["state"][0]},
        headers={"Cookie": cookie},
    )
    assert done.status_code == 200, done.text


def command(slack: SlackDriver, tenant: Tenant, text: str, *, user: str, channel: str = "") -> str:
    """Run /sec in a workspace; the answer posted to its response_url."""
    tag = f"{tenant.team}-{len(slack.fake.calls('response_url'))}"
    response = slack.command(
        text, tag=tag, team_id=tenant.team, user_id=user, channel_id=channel or tenant.channel
    )
    assert response.status_code == 200
    for _ in range(50):
        found = [c for c in slack.fake.calls("response_url") if c.path.endswith(f"/{tag}")]
        if found:
            return str(json.loads(found[0].text)["text"])
        slack.fake.wait_for("response_url", len(slack.fake.calls("response_url")) + 1, 5)
    raise AssertionError(f"no answer to {text!r}")


def worker_once(store: Store, fake: FakeSlack, at: str) -> subprocess.CompletedProcess[str]:
    engine = store.engine
    schema = None
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.exec_driver_sql("select current_schema()").scalar()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "SECBOT_"))}
    env.update(
        DATABASE_URL=database_url_for(engine, schema),
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_BASE_URL=fake.base_url,
    )
    cmd = [sys.executable, "-c", "from bot.cli import main; main()", "worker", "--once", "--at", at]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


def posts(fake: FakeSlack, channel: str) -> list[str | None]:
    """The token of every chat.postMessage to a channel."""
    return [c.token for c in fake.calls("chat.postMessage") if c.args.get("channel") == channel]


@both_databases
def test_two_workspaces_each_subscribe_and_hear_with_their_own_token(
    oauth_slack: SlackDriver, store: Store
) -> None:
    install(oauth_slack, A)
    install(oauth_slack, B, rotate=True)
    for tenant in (A, B):
        answer = command(oauth_slack, tenant, "subscribe meetings", user=tenant.installer)
        assert "Done" in answer
    with store.sessions() as session:
        rows = session.execute(select(Subscription.workspace, Subscription.channel)).all()
    assert sorted(rows) == [(A.team, A.channel), (B.team, B.channel)]

    result = worker_once(store, oauth_slack.fake, "2019-04-02T09:00")
    assert result.returncode == 0, result.stderr[-3000:]
    assert posts(oauth_slack.fake, A.channel) == [A.token]
    (b_token,) = posts(oauth_slack.fake, B.channel)
    # B's token expires within the hour: rotated (by Bolt on the command, then by the worker)
    # and the post used the current one, never the expired original.
    assert b_token is not None and b_token.startswith(f"{B.token}-r")
    refreshes = [
        c for c in oauth_slack.fake.calls("oauth.v2.access") if c.args.get("refresh_token")
    ]
    assert refreshes
    store_now = installation_store(
        client_id=CLIENT_ID, engine=store.engine, sessions=store.sessions
    )
    bot = store_now.find_bot(enterprise_id=None, team_id=B.team)
    assert bot is not None and bot.bot_token == b_token

    again = worker_once(store, oauth_slack.fake, "2019-04-02T09:00")
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(oauth_slack.fake.calls("chat.postMessage")) == 2  # exactly once each


def test_one_workspace_cannot_see_or_remove_anothers_subscriptions(
    oauth_slack: SlackDriver, store: Store
) -> None:
    install(oauth_slack, A)
    install(oauth_slack, B)
    shared = "CSHARED9"  # a Slack Connect channel both workspaces are in
    assert "Done" in command(oauth_slack, A, "subscribe MP090", user="UA1", channel=shared)
    listed = command(oauth_slack, B, "subscriptions", user="UB1", channel=shared)
    assert "MP090" not in listed and "no subscriptions" in listed
    removed = command(oauth_slack, B, "unsubscribe MP090", user="UB1", channel=shared)
    assert "no subscription" in removed
    assert "MP090" in command(oauth_slack, A, "subscriptions", user="UA1", channel=shared)
    # B subscribing the same channel to the same topic makes its own row.
    assert "Done" in command(oauth_slack, B, "subscribe MP090", user="UB1", channel=shared)
    with store.sessions() as session:
        owners = sorted(session.scalars(select(Subscription.workspace)))
    assert owners == [A.team, B.team]


def test_administrators_are_per_workspace_and_audited(
    oauth_slack: SlackDriver, store: Store
) -> None:
    install(oauth_slack, A)
    install(oauth_slack, B)
    # The installer is the first administrator of their own workspace only.
    assert "UAINSTALL" in command(oauth_slack, A, "admins", user="UA1")
    refused = command(oauth_slack, B, "admin add <@UB9|bo>", user=A.installer)
    assert "only secbot administrators" in refused
    assert "Done" in command(oauth_slack, A, "admin add <@UA2|jo>", user=A.installer)
    assert "Done" in command(oauth_slack, A, "proposer MP159 <@UA7|pat>", user="UA2")
    assert "only secbot administrators" in command(
        oauth_slack, B, "proposer MP159 <@UB7|sam>", user="UA2"
    )
    assert "yourself" in command(oauth_slack, A, "admin remove <@UA2>", user="UA2")
    assert "Done" in command(oauth_slack, A, "admin remove <@UA2>", user=A.installer)
    assert "only secbot administrators" in command(oauth_slack, A, "closure 1 May 2030", user="UA2")
    with store.sessions() as session:
        audit = session.execute(
            select(AuditEntry.workspace, AuditEntry.actor, AuditEntry.action).order_by(
                AuditEntry.id
            )
        ).all()
    actions = [(w, a, act) for w, a, act in audit if act.startswith(("admin", "proposer"))]
    assert actions == [
        (A.team, "install", "admin-add"),
        (B.team, "install", "admin-add"),
        (A.team, A.installer, "admin-add"),
        (A.team, "UA2", "proposer"),
        (A.team, A.installer, "admin-remove"),
    ]


def wait_for_audit(store: Store, action: str, timeout: float = 5.0) -> None:
    """Block until an audit row of this action exists (a listener's last effect)."""
    deadline = time.monotonic() + timeout
    while True:
        with store.sessions() as session:
            if session.scalar(select(AuditEntry.id).where(AuditEntry.action == action)):
                return
        assert time.monotonic() < deadline, f"no {action} audit row within {timeout}s"
        time.sleep(0.02)


def _uninstall_event(tenant: Tenant, kind: str) -> str:
    event = {"type": kind, "event_ts": "1700000000.000100"}
    if kind == "tokens_revoked":
        event["tokens"] = {"oauth": [], "bot": ["UBOT"]}
    body = event_body(event, event_id=f"Ev{kind[:4]}{tenant.team}", team_id=tenant.team)
    return body


@both_databases
@pytest.mark.parametrize("kind", ["app_uninstalled", "tokens_revoked"])
def test_uninstall_stops_the_workspaces_deliveries_and_removes_its_tokens(
    oauth_slack: SlackDriver, store: Store, kind: str
) -> None:
    install(oauth_slack, A)
    install(oauth_slack, B)
    due = datetime(2019, 4, 2, 9, 0, tzinfo=LONDON)
    payload = {"text": "hi", "blocks": [], "metadata": {"event_type": "x", "event_payload": {}}}
    with transaction(store.sessions) as session:
        rows = [
            NewDelivery("k1", "reminder", "slack", t.channel, due, payload, workspace=t.team)
            for t in (A, B)
        ]
        assert enqueue_deliveries(session, rows=rows, now=now()) == 2
    response = oauth_slack.post(_uninstall_event(A, kind), content_type="application/json")
    assert response.status_code == 200
    # Bolt acknowledges events before the listener runs: its last effect is the signal.
    wait_for_audit(store, "uninstall")
    store_now = installation_store(
        client_id=CLIENT_ID, engine=store.engine, sessions=store.sessions
    )
    assert store_now.find_bot(enterprise_id=None, team_id=A.team) is None
    assert store_now.find_installation(enterprise_id=None, team_id=A.team) is None
    with store.sessions() as session:
        states = dict(session.execute(select(Delivery.workspace, Delivery.state)).all())
        errors = dict(session.execute(select(Delivery.workspace, Delivery.last_error)).all())
        workspace = session.get(Workspace, A.team)
        assert workspace is not None and workspace.uninstalled_at is not None
    assert states == {A.team: "dead", B.team: "pending"}
    assert "uninstalled" in str(errors[A.team]) and kind in str(errors[A.team])
    assert store_now.find_bot(enterprise_id=None, team_id=B.team) is not None


def test_the_install_asks_for_every_scope_the_manifest_lists(oauth_slack: SlackDriver) -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(SCOPES)
    assert {"app_uninstalled", "tokens_revoked"} <= set(
        manifest["settings"]["event_subscriptions"]["bot_events"]
    )
    page = httpx.get(f"{oauth_slack.url}/slack/install")
    link = re.search(r'href="([^"]+/oauth/v2/authorize[^"]+)"', page.text)
    assert link is not None
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    asked = set(query["scope"][0].split(","))
    assert asked == set(SCOPES) and {"files:read", "groups:history"} <= asked


def test_a_decision_one_workspace_added_is_not_anothers_to_see_or_resolve(
    oauth_slack: SlackDriver, store: Store
) -> None:
    install(oauth_slack, A)
    install(oauth_slack, B)
    added = command(oauth_slack, A, 'decision add MP090 "which option to take"', user=A.installer)
    assert "Done: decision" in added
    number = re.search(r"decision (\d+)", added)
    assert number is not None
    assert "which option to take" in command(oauth_slack, A, "pending MP090", user="UA1")
    assert "which option to take" not in command(oauth_slack, B, "pending MP090", user="UB1")
    refused = command(
        oauth_slack, B, f'decision resolve {number.group(1)} "done"', user=B.installer
    )
    assert "can't find decision" in refused
    assert "which option to take" in command(oauth_slack, A, "pending MP090", user="UA1")
