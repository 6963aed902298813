"""The Bolt app, built in a factory from our services; nothing is wired at import time.

Each listener module exposes ``register(app, services)``. Slack's Web API is reached at
SLACK_API_BASE_URL when set (GovSlack, or a local test server). Acks, answers and ingestion run on
separate bounded pools (bot.slack.pools), so acknowledging never waits for answer work; every
response_url post is retried within the URL's life (bot.slack.respond).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import SecretStr
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.settings import Settings
from bot.slack import (
    assistant,
    commands,
    dedupe,
    home,
    ingest,
    interactivity,
    messages,
    nudges,
    respond,
    shortcuts,
    unfurls,
    uninstall,
)
from bot.slack.oauth import is_multi_workspace, oauth_settings
from bot.slack.pools import PooledLazyRunner, make_pools

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# ingest first
LISTENERS = (
    ingest,
    assistant,  # a middleware: threads in the assistant pane, before plain DMs
    commands,
    messages,
    home,
    unfurls,
    shortcuts,
    interactivity,
    nudges,
    uninstall,
)


class SlackNotConfigured(RuntimeError):
    """The settings lack what the Slack app needs; the message says what to set."""


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def slack_configured(settings: Settings) -> bool:
    """True when the HTTP app can run: a signing secret, and a bot token or OAuth credentials."""
    has_auth = bool(settings.slack.bot_token) or is_multi_workspace(settings)
    return bool(settings.slack.signing_secret) and has_auth


def build_client(settings: Settings, token: str | None) -> WebClient:
    """A Web API client at the configured base URL that waits out rate limits (HTTP 429)."""
    retry = [ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=2)]
    if settings.slack.api_base_url:
        return WebClient(token=token, base_url=settings.slack.api_base_url, retry_handlers=retry)
    return WebClient(token=token, retry_handlers=retry)


def create_slack_app(services: Services, *, socket_mode: bool = False) -> App:
    """The Bolt app with every listener registered.

    Over HTTP, requests are verified with the signing secret (bad signature or a timestamp
    more than five minutes off: 401). In Socket Mode the WebSocket is authenticated instead.
    """
    settings = services.settings
    signing_secret = _secret(settings.slack.signing_secret)
    if not socket_mode and not signing_secret:
        raise SlackNotConfigured("SLACK_SIGNING_SECRET is not set")
    oauth = oauth_settings(services) if is_multi_workspace(settings) else None
    token = None if oauth else _secret(settings.slack.bot_token)
    if oauth is None and not token:
        raise SlackNotConfigured(
            "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth)"
        )
    pools = make_pools()
    app = App(
        name="secbot",
        signing_secret=signing_secret or "",
        client=build_client(settings, token),
        oauth_settings=oauth,
        request_verification_enabled=not socket_mode,
        process_before_response=False,
        listener_executor=pools.acks,
    )
    app.listener_runner.lazy_listener_runner = PooledLazyRunner(app.logger, pools)
    dedupe.register(app, services)
    respond.install(app)
    for module in LISTENERS:
        module.register(app, services)
    return app
