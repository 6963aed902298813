"""Installing the app: one workspace with a bot token, or many through OAuth.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, /slack/install starts Slack's OAuth flow and
/slack/oauth_redirect finishes it; each workspace's bot token is kept by slack_sdk's SQLAlchemy
installation store (storage.installations, which also records the workspace and makes the
installer its first administrator), and the OAuth state by its SQLAlchemy state store, both on
our database. Bolt rotates a workspace's token when Slack's token rotation is on. Otherwise the
app serves the one workspace whose SLACK_BOT_TOKEN it was given.

``SCOPES`` is the one list of bot scopes: the install asks for exactly these, and a test holds
slack/manifest.yml to it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.settings import Settings
from bot.tenancy import is_multi_workspace
from storage.installations import TenantInstallationStore, installation_store

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

__all__ = ["SCOPES", "authorization_url", "is_multi_workspace", "oauth_settings", "store_for"]

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRY_SECONDS = 600
# Bot scopes, and why: slack/manifest.yml must list exactly these (tests/bot/slack/test_tenancy).
SCOPES = (
    "app_mentions:read",  # @secbot questions
    "assistant:write",  # the assistant pane: suggested prompts, status, thread titles
    "canvases:write",  # live tracker canvases (`tracker release …`), created and rewritten
    "channels:history",  # reading our own reminders back (exactly once after a crash)
    "chat:write",  # answers and reminders
    "commands",  # /sec
    "files:read",  # papers an administrator shares for ingestion
    "groups:history",  # reminders in private channels, read back like public ones
    "im:history",  # direct messages
    "im:write",  # opening a DM for personal reminders and nudges
    "links:read",  # unfurling links to modification pages
    "links:write",
    "pins:write",  # pinning a live tracker's message where canvases are not available
    "users:read",  # who is asking (App Home)
    "users:read.email",  # tying a Proposer's e-mail address to their Slack user
)


def authorization_url(settings: Settings) -> str | None:
    """Slack's authorize page beside the configured API (GovSlack: slack-gov.com); None: Slack's."""
    base = settings.slack.api_base_url
    if not base:
        return None
    return base.rstrip("/").removesuffix("/api") + "/oauth/v2/authorize"


def store_for(services: Services) -> TenantInstallationStore:
    """The installation store on our database (its tables created if missing)."""
    client_id = services.settings.slack.client_id
    assert client_id, "the installation store is for OAuth installs"
    return installation_store(
        client_id=client_id, engine=services.engine, sessions=services.sessions
    )


def oauth_settings(services: Services) -> OAuthSettings:
    """OAuth with installations and states stored on our database (tables created if missing)."""
    # Imported here: slack_sdk's SQLAlchemy state store needs greenlet (sqlalchemy[asyncio]).
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    settings = services.settings
    assert settings.slack.client_id and settings.slack.client_secret
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRY_SECONDS, engine=services.engine
    )
    states.create_tables()
    client_id, client_secret = settings.slack.client_id, settings.slack.client_secret
    store = store_for(services)
    oauth = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret.get_secret_value(),
        scopes=list(SCOPES),
        installation_store=store,
        state_store=states,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(settings),
    )
    # Bolt's own authorize would rotate tokens at slack.com whatever the configured API is
    # (GovSlack, a test server): ours rotates where the rest of the Web API is.
    oauth.authorize = InstallationStoreAuthorize(
        installation_store=store,
        client_id=client_id,
        client_secret=client_secret.get_secret_value(),
        logger=log,
        client=WebClient(base_url=settings.slack.api_base_url or WebClient.BASE_URL),
    )
    oauth.authorize.token_rotation_expiration_minutes = oauth.token_rotation_expiration_minutes
    return oauth
