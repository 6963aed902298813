"""Fixtures for the Teams surface: the fake Bot Connector, services on the sample store, and a
Starlette web app with the Teams endpoint mounted, driven through Starlette's TestClient."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot.router import build_router
from bot.services import Services
from bot.settings import Settings, TeamsSettings
from bot.teams.app import create_teams_asgi
from tests.bot.teams.activities import APP_ID
from tests.fakes.bot_connector import FakeBotConnector

# Variables the SDK (or our settings) would read; none may leak in from the machine.
_TEAMS_ENV = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "TENANT_ID",
    "MANAGED_IDENTITY_CLIENT_ID",
    "SERVICE_URL",
    "CLOUD",
    "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS",
    "TEAMS_APP_ID",
    "TEAMS_APP_PASSWORD",
    "TEAMS_TENANT_ID",
    "TEAMS_ALLOW_UNAUTHENTICATED",
    "TEAMS_CLOUD",
    "TEAMS_SERVICE_URL",
    "TEAMS_MANAGED_IDENTITY_CLIENT_ID",
    "TEAMS_MESSAGING_ENDPOINT",
    "SECBOT_ADMINS",
]
# The SDK reads the bot token as a JWT; an unsigned-looking one is enough for the fake connector.
BOT_TOKEN = jwt.encode(
    {"aud": "https://api.botframework.com", "appid": APP_ID},
    "fake-secret-0123456789abcdef0123456789",
    algorithm="HS256",
)


@pytest.fixture(autouse=True)
def clean_teams_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _TEAMS_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def connector() -> Iterator[FakeBotConnector]:
    fake = FakeBotConnector().start()
    yield fake
    fake.stop()


def services_on(sessions: sessionmaker[Session]) -> Services:
    return Services(Settings(_env_file=None), sessions.kw["bind"], sessions, build_router(sessions))


@pytest.fixture
def services(loaded: sessionmaker[Session]) -> Services:
    """Services on a store holding the sample data."""
    return services_on(loaded)


@pytest.fixture
def empty_services(sessions: sessionmaker[Session]) -> Services:
    """Services on an empty store (faster, for what needs no modifications)."""
    return services_on(sessions)


def teams_settings(**values: Any) -> TeamsSettings:
    return TeamsSettings(**values)


def bot_token(scope: str | list[str], tenant_id: str | None) -> str:
    """The SDK's token callable (TokenCredentials): a fixed token, no identity platform."""
    return BOT_TOKEN


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(services: Services) -> Iterator[MakeClient]:
    """A test client for our web app with the Teams endpoint mounted, as `secbot serve` does."""
    clients: list[TestClient] = []

    def make(settings: TeamsSettings, **options: Any) -> TestClient:
        teams = create_teams_asgi(services, settings=settings, **options)
        web = Starlette(routes=[Mount("/", app=teams)])
        client = TestClient(web)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def dev_client(make_client: MakeClient) -> TestClient:
    """Local development: no credentials, unauthenticated requests allowed."""
    return make_client(teams_settings(allow_unauthenticated=True))


@pytest.fixture
def secured_client(make_client: MakeClient, connector: FakeBotConnector) -> TestClient:
    """Credentials configured; tokens are checked against keys the fake connector publishes."""
    return make_client(teams_settings(app_id=APP_ID), token=bot_token, cloud=connector.cloud)
