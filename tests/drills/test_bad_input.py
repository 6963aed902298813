"""Bad input: fuzzed commands, dates and papers; hostile requests; markup meant to ping or link.

- hypothesis: the command parser, the date parser and the extractors raise nothing (a paper
  with no SEC text is refused with UnreadableDocument, as designed), and every Slack answer
  stays within Block Kit's limits and passes ``tests.bot.slack.block_kit.validate``.
- requests with a bad or stale signature, a replayed body (its signature over five minutes
  old), an oversized body, malformed JSON or form data get a 4xx and change nothing in the store.
- text meant to ping (``<!channel>``, ``<@U1>``) or link (``<http://x|y>``) reaches the fake
  Slack escaped, in answers and in reminders.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.router import Context, Router, build_router
from bot.slack.blocks import message_payload
from bot.web import create_web_app
from jobs.registry import run_all_once
from sec.vague_dates import find_vague_dates, parse_vague_date
from storage.db import transaction
from storage.ingest import extract
from storage.ingest.readers import UnreadableDocument, make_source
from storage.models import Modification
from tests.bot.slack.block_kit import within_limits
from tests.bot.slack.conftest import (
    ListenerWatch,
    SlackDriver,
    make_services,
    make_settings,
    serve_in_thread,
)
from tests.fakes.signing import signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import london, make_ctx, subscribe

pytestmark = pytest.mark.drill

HOSTILE = ["<!channel>", "<!here>", "<@U1>", "<http://x|y>", "*bold*", "<#C1>", "&lt;", "`x`"]
RAW_MARKUP = ("<!channel>", "<!here>", "<@U1>", "<http://x|y>", "<#C1>")
WORDS = [
    "status",
    "history",
    "release",
    "releases",
    "search",
    "meetings",
    "deadlines",
    "pending",
    "mine",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "help",
    "MP159",
    "SECMP0007",
    "159",
    "DP173",
    "Feb 2022",
    "november 2021",
    "next",
    "public",
    "firmware",
    "all",
    "release",
    "MP128A",
    "2019-03",
    "%",
    "_",
    "\x00",
    "\u202e",
    "🙂",
    "'",
    '"',
    "\\",
]
FUZZ = st.lists(st.sampled_from(WORDS + HOSTILE) | st.text(max_size=30), max_size=8).map(" ".join)
FUZZ_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def router(sample_store: sessionmaker[Session]) -> Router:
    return build_router(sample_store)


def no_raw_markup(payload: Any) -> None:
    dumped = json.dumps(payload, ensure_ascii=False)
    for markup in RAW_MARKUP:
        assert markup not in dumped, markup


@FUZZ_SETTINGS
@given(FUZZ, st.booleans())
def test_any_command_gets_an_answer_slack_accepts(router: Router, line: str, admin: bool) -> None:
    ctx = Context(
        as_of=date(2022, 1, 10),
        user="UADMIN" if admin else "U1",
        channel="C1",
        surface="slack",
        is_admin=False,
        is_direct=False,
    )
    payload = message_payload(router.handle(line, ctx).answer)
    assert payload["text"]
    within_limits(payload["blocks"])
    no_raw_markup(payload)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | FUZZ, st.dates(date(1990, 1, 1), date(2060, 12, 31)))
def test_the_date_parsers_never_raise(text_in: str, today: date) -> None:
    found = parse_vague_date(text_in, today=today)
    assert found is None or found.start <= found.end
    for vague, start, end in find_vague_dates(text_in, today=today):
        assert 0 <= start <= end <= len(text_in) and vague.start <= vague.end


PAPER_WORDS = [
    "SECMP0007",
    "MP159",
    "MP107A",
    "DP173",
    "Panel",
    "Working Group",
    "Change Board",
    "SEC Release",
    "November 2021",
    "by early April 2019",
    "mid-May",
    "Proposer",
    "Refinement Process",
    "Modification Report",
    "\t",
    "\n",
    "Table 1",
    "Status",
    "removed from scope",
    "Authority decision",
    "1.",
    "a)",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(PAPER_WORDS) | st.text(max_size=20), max_size=40).map(" ".join),
        min_size=1,
        max_size=4,
    )
)
def test_the_extractors_never_raise(pages: list[str]) -> None:
    try:
        source = make_source(Path("fuzz.txt"), "text", pages)
    except UnreadableDocument:
        return  # no SEC text in it: refused with a message, by design
    changes = extract(source, today=date(2021, 9, 21))
    json.dumps(changes.to_json(), default=str)


# -- hostile requests -------------------------------------------------------------------------


@pytest.fixture
def web(fake_slack: FakeSlack, store: Any) -> Iterator[tuple[SlackDriver, Any]]:
    services = make_services(make_settings(fake_slack), store.engine, store.sessions)
    app = create_web_app(services, max_body_bytes=64 * 1024)
    watch = ListenerWatch.install(app)
    with serve_in_thread(app) as url:
        yield SlackDriver(url, fake_slack, listeners=watch), store


def store_counts(store: Any) -> dict[str, int]:
    with store.engine.connect() as conn:
        tables = ("subscriptions", "audit_log", "modifications", "deliveries", "closures")
        return {t: int(conn.scalar(select(func.count()).select_from(text(t))) or 0) for t in tables}


def hostile_requests(slack: SlackDriver) -> Iterator[tuple[str, httpx.Response]]:
    """Requests Slack would never send, or that someone without the secret might."""
    url = f"{slack.url}/slack/events"
    body = slash_command_body(
        "subscribe all", response_url=slack.fake.response_url("bad"), user_id="UADMIN1"
    )
    yield "wrong secret", slack.post(body, secret="wrong-secret")
    yield "stale", slack.post(body, timestamp=int(time.time()) - 6 * 60)
    old = signed_headers(body, slack.secret, timestamp=int(time.time()) - 5 * 60 - 30)
    yield "replayed", httpx.post(url, content=body, headers=old)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    yield "unsigned", httpx.post(url, content=body, headers=form)
    yield "oversized", slack.post(body + "&pad=" + "x" * (80 * 1024))
    yield "form without a command", slack.post("text=subscribe+all&user_id=U1")


def malformed_requests(slack: SlackDriver) -> Iterator[tuple[str, httpx.Response]]:
    """Correctly signed bodies that do not parse."""
    as_json = "application/json"
    yield (
        "malformed json",
        slack.post('{"type": "event_callback", "event": {', content_type=as_json),
    )
    yield "json not an object", slack.post("[1, 2, 3]", content_type=as_json)
    yield "malformed form payload", slack.post("payload=%7Bnot-json")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_hostile_requests_get_4xx_and_change_nothing(web: tuple[SlackDriver, Any]) -> None:
    slack, store = web
    before = store_counts(store)
    statuses = {name: response.status_code for name, response in hostile_requests(slack)}
    print("hostile requests:", statuses)
    assert slack.settle() == 0  # no listener started, so none can write later
    assert all(400 <= code < 500 for code in statuses.values()), statuses
    assert store_counts(store) == before
    assert slack.fake.calls("response_url") == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_malformed_signed_bodies_get_4xx_and_change_nothing(web: tuple[SlackDriver, Any]) -> None:
    slack, store = web
    before = store_counts(store)
    statuses = {name: response.status_code for name, response in malformed_requests(slack)}
    print("malformed requests:", statuses)
    assert slack.settle() == 0  # no listener started, so none can write later
    assert store_counts(store) == before
    assert slack.fake.calls("response_url") == []
    assert all(code == 400 for code in statuses.values()), statuses


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_markup_in_a_command_reaches_slack_escaped(web: tuple[SlackDriver, Any]) -> None:
    slack, _ = web
    for line in [
        "search " + " ".join(HOSTILE),
        "status <!channel>",
        "release <@U1>",
        "subscribe <http://x|y>",
        "history *bold* <!here>",
    ]:
        assert slack.command(line, tag="hostile").status_code == 200
    answers = slack.fake.wait_for("response_url", count=5, timeout=15)
    for call in answers:
        no_raw_markup(call.args)


def hostile_reminders(loaded: sessionmaker[Session]) -> list[Any]:
    """Every title made hostile; the reminders that list them, as the fake Slack got them."""
    with transaction(loaded) as session:
        for mod in session.scalars(select(Modification)):
            mod.title = f"{mod.ref} " + " ".join(HOSTILE)
    subscribe(loaded, "C1", "all")
    fake = FakeSlack().start()
    try:
        run_all_once(make_ctx(loaded, fake), london("2019-03-18T09:00"))
        run_all_once(make_ctx(loaded, fake), london("2019-04-02T09:00"))
        posts = fake.calls("chat.postMessage")
    finally:
        fake.stop()
    assert posts
    assert any("&lt;!channel&gt;" in json.dumps(call.args["blocks"]) for call in posts)
    return posts


def test_markup_in_stored_titles_reaches_slack_escaped_in_reminder_blocks(
    loaded: sessionmaker[Session],
) -> None:
    for call in hostile_reminders(loaded):
        no_raw_markup(call.args["blocks"])


def test_markup_in_stored_titles_reaches_slack_escaped_in_reminder_text(
    loaded: sessionmaker[Session],
) -> None:
    for call in hostile_reminders(loaded):
        no_raw_markup(call.args["text"])
