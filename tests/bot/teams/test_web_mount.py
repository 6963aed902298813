"""The Teams endpoint lives in the same web process as Slack, and only when Teams is configured."""

from __future__ import annotations

from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from bot.services import Services
from bot.settings import load_settings
from bot.web import create_web_app
from tests.bot.teams import activities as act


def test_without_teams_configuration_there_is_no_endpoint(empty_services: Services) -> None:
    with TestClient(create_web_app(empty_services)) as client:
        assert client.post("/api/messages", json={}).status_code in (404, 405)


def test_with_credentials_the_endpoint_refuses_unauthenticated_requests(
    empty_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", act.APP_ID)
    monkeypatch.setenv("TEAMS_APP_PASSWORD", "not-used-here")
    services = replace(empty_services, settings=load_settings(_env_file=None))  # as at start-up
    with TestClient(create_web_app(services)) as client:
        response = client.post("/api/messages", json=act.message("status MP159", "http://x/"))
        assert response.status_code == 401
        assert client.get("/healthz").status_code == 200
