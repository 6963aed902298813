"""One typed settings object, read from the environment (and a .env file when present)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_base_url: str | None = Field(None, validation_alias="SLACK_API_BASE_URL")
    slack_client_id: str | None = Field(None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(None, validation_alias="SLACK_CLIENT_SECRET")
    timezone: str = Field(
        "Europe/London", validation_alias=AliasChoices("SECBOT_TIMEZONE", "timezone")
    )
    admins_raw: str = Field("", validation_alias=AliasChoices("SECBOT_ADMINS", "admins_raw"))
    # Nudges (jobs/nudges.py reads the same variables in the worker): where administrators hear
    # of stuck or handed-back decisions ("C0123", or "teams:<conversation id>"), and when nudges
    # go out (weekday 0 = Monday .. 4 = Friday; hour in London).
    admin_channel: str | None = Field(
        None, validation_alias=AliasChoices("SECBOT_ADMIN_CHANNEL", "admin_channel")
    )
    nudge_weekday: int = Field(
        0, ge=0, le=4, validation_alias=AliasChoices("SECBOT_NUDGE_WEEKDAY", "nudge_weekday")
    )
    nudge_hour: int = Field(
        10, ge=0, le=23, validation_alias=AliasChoices("SECBOT_NUDGE_HOUR", "nudge_hour")
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone, at start-up rather than at 09:00
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def admins(self) -> frozenset[str]:
        """Administrator ids (Slack user ids, Teams AAD ids, or "console"), comma separated."""
        return frozenset(a.strip() for a in self.admins_raw.split(",") if a.strip())

    def __repr__(self) -> str:  # SecretStr already hides tokens; keep repr short anyway
        return f"Settings(database_url={self.database_url!r})"
