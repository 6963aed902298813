"""Installing the app: one workspace with a bot token, or many through OAuth.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, /slack/install starts Slack's OAuth flow and
/slack/oauth_redirect finishes it; each workspace's bot token is kept by slack_sdk's SQLAlchemy
installation store, and the OAuth state by its SQLAlchemy state store, both on our database.
Otherwise the app serves the one workspace whose SLACK_BOT_TOKEN it was given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.services import Services

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRY_SECONDS = 600
# Bot scopes; keep in step with slack/manifest.yml.
SCOPES = [
    "app_mentions:read",
    "channels:history",
    "chat:write",
    "commands",
    "im:history",
    "im:write",
    "links:read",
    "links:write",
    "users:read",
    "users:read.email",
]


def is_multi_workspace(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


def authorization_url(settings: Settings) -> str | None:
    """Slack's authorize page beside the configured API (GovSlack: slack-gov.com); None: Slack's."""
    base = settings.slack_api_base_url
    if not base:
        return None
    return base.rstrip("/").removesuffix("/api") + "/oauth/v2/authorize"


def oauth_settings(services: Services) -> OAuthSettings:
    """OAuth with installations and states stored on our database (tables created if missing)."""
    # Imported here: slack_sdk's SQLAlchemy stores need greenlet (sqlalchemy[asyncio]), which a
    # single-workspace install does not.
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    settings = services.settings
    assert settings.slack_client_id and settings.slack_client_secret
    installations = SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id, engine=services.engine
    )
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRY_SECONDS, engine=services.engine
    )
    installations.create_tables()
    states.create_tables()
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=SCOPES,
        installation_store=installations,
        state_store=states,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(settings),
    )
