"""Teams configuration, read from the environment (and .env), apart from the shared Settings.

Names follow the Teams SDK's own where it has them (CLIENT_ID, CLIENT_SECRET, TENANT_ID,
MANAGED_IDENTITY_CLIENT_ID, CLOUD, SERVICE_URL); the TEAMS_* spellings are accepted first so a
deployment can keep all of secbot's Teams variables together.
"""

from __future__ import annotations

import logging

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams"


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class TeamsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    app_id: str | None = Field(None, validation_alias=_env("TEAMS_APP_ID", "CLIENT_ID", "app_id"))
    app_password: SecretStr | None = Field(
        None, validation_alias=_env("TEAMS_APP_PASSWORD", "CLIENT_SECRET", "app_password")
    )
    tenant_id: str | None = Field(
        None, validation_alias=_env("TEAMS_TENANT_ID", "TENANT_ID", "tenant_id")
    )
    # "system" for a system-assigned managed identity, or a user-assigned identity's client id.
    managed_identity_client_id: str | None = Field(
        None,
        validation_alias=_env(
            "TEAMS_MANAGED_IDENTITY_CLIENT_ID",
            "MANAGED_IDENTITY_CLIENT_ID",
            "managed_identity_client_id",
        ),
    )
    # Local development only: accept activities without a Bot Framework token.
    allow_unauthenticated: bool = Field(
        False,
        validation_alias=_env(
            "TEAMS_ALLOW_UNAUTHENTICATED",
            "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS",
            "allow_unauthenticated",
        ),
    )
    messaging_endpoint: str = Field(
        "/api/messages", validation_alias=_env("TEAMS_MESSAGING_ENDPOINT", "messaging_endpoint")
    )
    # Used only to open a personal chat nobody has started yet; replies use each activity's URL.
    service_url: str = Field(
        DEFAULT_SERVICE_URL,
        validation_alias=_env("TEAMS_SERVICE_URL", "SERVICE_URL", "service_url"),
    )
    cloud: str | None = Field(None, validation_alias=_env("TEAMS_CLOUD", "CLOUD", "cloud"))
    bot_name: str = Field("secbot", validation_alias=_env("TEAMS_BOT_NAME", "bot_name"))
    # Manifest details: the app package id (defaults to the bot's app id) and the web domain.
    manifest_id: str | None = Field(None, validation_alias=_env("TEAMS_MANIFEST_ID", "manifest_id"))
    app_domain: str | None = Field(None, validation_alias=_env("TEAMS_APP_DOMAIN", "app_domain"))
    # Who publishes the app (shown in the Teams store listing); set these before publishing.
    developer_name: str = Field(
        "secbot", validation_alias=_env("TEAMS_DEVELOPER_NAME", "developer_name")
    )
    website_url: str = Field(
        "https://smartenergycodecompany.co.uk/",
        validation_alias=_env("TEAMS_WEBSITE_URL", "website_url"),
    )
    privacy_url: str | None = Field(None, validation_alias=_env("TEAMS_PRIVACY_URL", "privacy_url"))
    terms_url: str | None = Field(None, validation_alias=_env("TEAMS_TERMS_URL", "terms_url"))

    @field_validator("website_url", "privacy_url", "terms_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("Teams manifest URLs must start with https://")
        return value

    @field_validator("messaging_endpoint")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("TEAMS_MESSAGING_ENDPOINT must start with '/'")
        return value

    @property
    def configured(self) -> bool:
        """Credentials are set, so every incoming activity's token is checked."""
        return bool(self.app_id)

    @property
    def enabled(self) -> bool:
        """Worth mounting the endpoint: credentials are set, or local development allows it."""
        return self.configured or self.allow_unauthenticated

    def warn_if_unsafe(self) -> None:
        """Say loudly when incoming tokens are not checked (local development only)."""
        if self.allow_unauthenticated:
            log.warning(
                "TEAMS_ALLOW_UNAUTHENTICATED is set: Teams activities are accepted WITHOUT token "
                "validation. Use this for local development only."
            )

    def __repr__(self) -> str:
        return f"TeamsSettings(app_id={self.app_id!r}, tenant_id={self.tenant_id!r})"
