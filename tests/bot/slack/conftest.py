"""Fixtures for the Slack app: the fake Web API, settings pointing at it, and our web app served
by a real uvicorn server on a free port, with helpers that sign requests as Slack does."""

from __future__ import annotations

import functools
import logging
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from slack_bolt.lazy_listener.runner import LazyListenerRunner
from slack_bolt.request import BoltRequest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.router import build_router
from bot.services import Services
from bot.settings import Settings
from bot.slack.redact import RedactingFilter, install_redaction
from bot.web import create_web_app
from storage.db import make_engine, session_factory, transaction
from storage.sample import load_sample
from storage.schema import Base
from tests.conftest import BACKENDS
from tests.fakes.signing import action_body, event_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlack

SIGNING_SECRET = "test-signing-secret-4f1c9a7e"
BOT_TOKEN = "xoxb-1111-2222-testbottokensecret"
ADMIN = "UADMIN1"
USER = "U0USER"


def make_settings(fake: FakeSlack, **overrides: Any) -> Settings:
    """Settings for the fake Slack; overrides as slack_<field>=... or admins_raw=..."""
    slack: dict[str, Any] = {
        "bot_token": BOT_TOKEN,
        "signing_secret": SIGNING_SECRET,
        "api_base_url": fake.base_url,
    }
    admins = overrides.pop("admins_raw", ADMIN)
    slack.update({k.removeprefix("slack_"): v for k, v in overrides.items()})
    return Settings(
        _env_file=None,
        database={"url": "sqlite://"},  # unused: services are built on the test engine
        slack=slack,
        admins_raw=admins,
    )


def make_services(settings: Settings, engine: Engine, sessions: sessionmaker[Session]) -> Services:
    return Services(settings, engine, sessions, build_router(sessions))


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free port in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class ListenerWatch(LazyListenerRunner):
    """Bolt's lazy listener runner slot, watched: it hands every lazy listener to the app's own
    runner (so the app's pools still decide where it runs) and counts those started and
    finished, so a test can wait until every listener it set off is done instead of sleeping.

    Bolt starts a request's lazy listeners before it answers the HTTP request, so once a test
    has its responses, ``settle()`` waits for exactly the work those requests caused.
    """

    def __init__(self, inner: LazyListenerRunner) -> None:
        self.inner, self.logger = inner, inner.logger
        self._cond = threading.Condition()
        self.started = self.finished = 0

    @classmethod
    def install(cls, web: Any) -> ListenerWatch:
        """Watch the Bolt app of one of our web apps (create_web_app keeps it in state)."""
        runner = web.state.slack_app.listener_runner
        watch = cls(runner.lazy_listener_runner)
        runner.lazy_listener_runner = watch
        return watch

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        @functools.wraps(function)  # Bolt injects arguments by the wrapped function's names
        def watched(*args: Any, **kwargs: Any) -> None:
            try:
                function(*args, **kwargs)
            finally:
                with self._cond:
                    self.finished += 1
                    self._cond.notify_all()

        with self._cond:
            self.started += 1
        self.inner.start(watched, request)

    def settle(self, timeout: float = 10.0) -> int:
        """Wait until every lazy listener started so far has finished; returns how many."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.finished < self.started:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{self.started - self.finished} of {self.started} listeners still "
                        f"running after {timeout}s"
                    )
                self._cond.wait(remaining)
            return self.started


@dataclass
class SlackDriver:
    """Sends what Slack would send to our web app, signed."""

    url: str
    fake: FakeSlack
    secret: str = SIGNING_SECRET
    listeners: ListenerWatch | None = None

    def settle(self) -> int:
        """Wait until the listeners set off so far have finished; returns how many ran."""
        assert self.listeners is not None, "this driver's web app is not watched"
        return self.listeners.settle()

    def post(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
        secret: str | None = None,
    ) -> httpx.Response:
        signed = signed_headers(
            body, secret or self.secret, timestamp=timestamp, content_type=content_type
        )
        signed.update(headers or {})
        return httpx.post(f"{self.url}/slack/events", content=body, headers=signed, timeout=10)

    def command(self, text: str, *, tag: str = "cmd", **fields: Any) -> httpx.Response:
        body = slash_command_body(text, response_url=self.fake.response_url(tag), **fields)
        return self.post(body)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str = "Ev0001",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        body = event_body(event, event_id=event_id)
        return self.post(body, content_type="application/json", headers=headers)

    def action(self, payload: dict[str, Any]) -> httpx.Response:
        return self.post(action_body(payload))


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite by default here, to keep these files fast; tests whose SQL differs by database ask
    for both with ``@both_databases``."""
    return str(request.param)


both_databases = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@dataclass
class Store:
    engine: Engine
    sessions: sessionmaker[Session]


@pytest.fixture(scope="session")
def sample_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the sample data, loaded once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("sample") / "secbot.db"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with transaction(session_factory(engine)) as session:
        load_sample(session)
    engine.dispose()  # checkpoints the WAL into the file
    return path


@pytest.fixture
def store(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, sample_sqlite: Path
) -> Iterator[Store]:
    """A private store with the sample data: a copy of the SQLite file, or a PostgreSQL schema."""
    if backend != "sqlite":
        yield Store(request.getfixturevalue("engine"), request.getfixturevalue("loaded"))
        return
    shutil.copyfile(sample_sqlite, tmp_path / "secbot.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'secbot.db'}")
    yield Store(engine, session_factory(engine))
    engine.dispose()


@pytest.fixture
def slack_services(fake_slack: FakeSlack, store: Store) -> Services:
    """Services on the sample store, configured for one workspace at the fake Slack."""
    return make_services(make_settings(fake_slack), store.engine, store.sessions)


@pytest.fixture
def slack(slack_services: Services, fake_slack: FakeSlack) -> Iterator[SlackDriver]:
    """Our web app on a real server, and a driver that signs requests to it."""
    web = create_web_app(slack_services)
    watch = ListenerWatch.install(web)
    with serve_in_thread(web) as url:
        yield SlackDriver(url, fake_slack, listeners=watch)


@contextmanager
def redaction_installed() -> Iterator[None]:
    """The token filter on the root logger's handlers, as `secbot serve` installs it.

    Use inside a test body: pytest gives each test phase its own caplog handler.
    """
    install_redaction([SIGNING_SECRET, BOT_TOKEN])
    try:
        yield
    finally:
        for handler in logging.getLogger().handlers:
            for found in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
                handler.removeFilter(found)
