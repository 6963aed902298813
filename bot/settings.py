"""The one typed settings object, read once from the environment (and a .env file when present).

Each entry point (``secbot ...`` commands) builds it with ``load_settings()`` and hands it down:
to ``Services`` for the web process and chat, and as plain config (``WorkerConfig``,
``NudgePolicy``) to the worker, because ``jobs`` may not import ``bot``. No other module reads
the environment. Every variable keeps the name it has always had; docs/configuration.md lists
them by section. A bad value, or an unsafe combination, stops start-up with one line
(``ConfigurationError``) instead of failing at 09:00 on a Monday.

The time zone is not a setting: the SEC is a GB code whose Working Days are England and Wales',
so every date people see is Europe/London (``sec.timefmt.LONDON``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from dotenv import dotenv_values
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from jobs.nudge_policy import NudgePolicy
from storage.db import DEFAULT_DATABASE_URL

SEC_WEBSITE = "https://smartenergycodecompany.co.uk/"
DEFAULT_MAX_BYTES = 20_000_000
DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams"
ZONE = "Europe/London"


class ConfigurationError(Exception):
    """A setting that cannot be used; the message is one line naming the variable."""


def _env(*names: str) -> AliasChoices:
    """The environment variable names of a field, the preferred spelling first."""
    return AliasChoices(*names)


def _between(low: float, high: float) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not low <= value <= high:
            raise ValueError(f"must be {low:g}-{high:g}")
        return value

    return check


def _positive(value: Any) -> Any:
    if value <= 0:
        raise ValueError("must be more than 0")
    return value


def _https_or_none(value: str | None) -> str | None:
    if value is not None and not value.startswith("https://"):
        raise ValueError("must start with https://")
    return value


def _web_address(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be a web address (https://host/)")
    return value if value.endswith("/") else value + "/"


Positive = Annotated[float, AfterValidator(_positive)]
PositiveInt = Annotated[int, AfterValidator(_positive)]
HttpsUrl = Annotated[str | None, AfterValidator(_https_or_none)]


class _Section(BaseModel):
    # Fields are filled by their environment names (aliases) or, in code and tests, by name.
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)


class DatabaseSettings(_Section):
    url: str = Field(DEFAULT_DATABASE_URL, validation_alias=_env("DATABASE_URL"))

    def __repr__(self) -> str:  # the URL may carry a password
        return f"DatabaseSettings(dialect={self.url.partition(':')[0]!r})"


class SlackSettings(_Section):
    bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    signing_secret: SecretStr | None = Field(None, validation_alias=_env("SLACK_SIGNING_SECRET"))
    app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    api_base_url: str | None = Field(None, validation_alias=_env("SLACK_API_BASE_URL"))
    client_id: str | None = Field(None, validation_alias=_env("SLACK_CLIENT_ID"))
    client_secret: SecretStr | None = Field(None, validation_alias=_env("SLACK_CLIENT_SECRET"))

    @model_validator(mode="after")
    def _oauth_pair(self) -> SlackSettings:
        if bool(self.client_id) != bool(self.client_secret):
            raise ValueError(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together (set both for "
                "multi-workspace installs, or neither)"
            )
        return self

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    def secrets(self) -> list[str]:
        """Every Slack secret that is set, for the log redactor."""
        values = (self.bot_token, self.signing_secret, self.app_token, self.client_secret)
        return [v.get_secret_value() for v in values if v]

    def serving_problem(self) -> str | None:
        """Why `secbot serve` must not start with this Slack configuration, if it must not.

        Over HTTP (no SLACK_APP_TOKEN) every request is verified with the signing secret; a
        token without the secret would leave /slack/events unmounted and Slack unanswered.
        """
        has_auth = bool(self.bot_token) or bool(self.client_id)
        if not self.socket_mode and has_auth and not self.signing_secret:
            which = "SLACK_BOT_TOKEN" if self.bot_token else "SLACK_CLIENT_ID"
            return (
                f"{which} is set but SLACK_SIGNING_SECRET is not: Slack's requests cannot be "
                "verified over HTTP (set the signing secret, or SLACK_APP_TOKEN for Socket Mode)"
            )
        return None


class TeamsSettings(_Section):
    """Names follow the Teams SDK's own where it has them (CLIENT_ID, CLIENT_SECRET, TENANT_ID,
    MANAGED_IDENTITY_CLIENT_ID, CLOUD, SERVICE_URL); the TEAMS_* spellings are read first."""

    app_id: str | None = Field(None, validation_alias=_env("TEAMS_APP_ID", "CLIENT_ID"))
    app_password: SecretStr | None = Field(
        None, validation_alias=_env("TEAMS_APP_PASSWORD", "CLIENT_SECRET")
    )
    tenant_id: str | None = Field(None, validation_alias=_env("TEAMS_TENANT_ID", "TENANT_ID"))
    # "system" for a system-assigned managed identity, or a user-assigned identity's client id.
    managed_identity_client_id: str | None = Field(
        None,
        validation_alias=_env("TEAMS_MANAGED_IDENTITY_CLIENT_ID", "MANAGED_IDENTITY_CLIENT_ID"),
    )
    # Local development only: accept activities without a Bot Framework token.
    allow_unauthenticated: bool = Field(
        False,
        validation_alias=_env(
            "TEAMS_ALLOW_UNAUTHENTICATED", "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS"
        ),
    )
    messaging_endpoint: str = Field(
        "/api/messages", validation_alias=_env("TEAMS_MESSAGING_ENDPOINT")
    )
    # Used only to open a personal chat nobody has started yet; replies use each activity's URL.
    service_url: str = Field(
        DEFAULT_SERVICE_URL, validation_alias=_env("TEAMS_SERVICE_URL", "SERVICE_URL")
    )
    cloud: str | None = Field(None, validation_alias=_env("TEAMS_CLOUD", "CLOUD"))
    bot_name: str = Field("secbot", validation_alias=_env("TEAMS_BOT_NAME"))
    # Manifest details: the app package id (defaults to the bot's app id) and the web domain.
    manifest_id: str | None = Field(None, validation_alias=_env("TEAMS_MANIFEST_ID"))
    app_domain: str | None = Field(None, validation_alias=_env("TEAMS_APP_DOMAIN"))
    # Who publishes the app (shown in the Teams store listing); set these before publishing.
    developer_name: str = Field("secbot", validation_alias=_env("TEAMS_DEVELOPER_NAME"))
    website_url: Annotated[str, AfterValidator(_https_or_none)] = Field(
        SEC_WEBSITE, validation_alias=_env("TEAMS_WEBSITE_URL")
    )
    privacy_url: HttpsUrl = Field(None, validation_alias=_env("TEAMS_PRIVACY_URL"))
    terms_url: HttpsUrl = Field(None, validation_alias=_env("TEAMS_TERMS_URL"))

    @field_validator("messaging_endpoint")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with '/'")
        return value

    @model_validator(mode="after")
    def _no_development_mode_beside_credentials(self) -> TeamsSettings:
        # A forged activity would be believed, and the bot's token sent where it named.
        if self.allow_unauthenticated and (self.app_id or self.app_password):
            raise ValueError(
                "TEAMS_ALLOW_UNAUTHENTICATED (development mode) must not be set beside real "
                "Teams credentials (TEAMS_APP_ID/TEAMS_APP_PASSWORD): unset one of them"
            )
        return self

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
            import logging

            logging.getLogger("bot.teams").warning(
                "TEAMS_ALLOW_UNAUTHENTICATED is set: Teams activities are accepted WITHOUT token "
                "validation. Use this for local development only."
            )

    def __repr__(self) -> str:
        return f"TeamsSettings(app_id={self.app_id!r}, tenant_id={self.tenant_id!r})"


class IngestSettings(_Section):
    """Limits of ingesting papers from chat."""

    extra_urls_raw: str = Field("", validation_alias=_env("SECBOT_INGEST_EXTRA_URLS"))
    max_bytes: PositiveInt = Field(
        DEFAULT_MAX_BYTES, validation_alias=_env("SECBOT_INGEST_MAX_BYTES")
    )

    @field_validator("extra_urls_raw")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for prefix in (p.strip() for p in value.split(",") if p.strip()):
            _web_address(prefix)
        return value

    @property
    def url_prefixes(self) -> tuple[str, ...]:
        """Where papers may be fetched from: the SEC website, and any extra prefixes."""
        extra = [p.strip() for p in self.extra_urls_raw.split(",") if p.strip()]
        return (SEC_WEBSITE, *extra)


class NudgeSettings(_Section):
    """When nudges go out (weekday 0 = Monday .. 4 = Friday; hour, London) and where
    administrators hear of stuck or handed-back decisions ("C0123" or "teams:<conversation>")."""

    weekday: Annotated[int, AfterValidator(_between(0, 4))] = Field(
        0, validation_alias=_env("SECBOT_NUDGE_WEEKDAY")
    )
    hour: Annotated[int, AfterValidator(_between(0, 23))] = Field(
        10, validation_alias=_env("SECBOT_NUDGE_HOUR")
    )
    admin_channel: str | None = Field(None, validation_alias=_env("SECBOT_ADMIN_CHANNEL"))

    @field_validator("admin_channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None:
            surface, sep, rest = value.partition(":")
            if sep and surface in ("slack", "teams") and not rest:
                raise ValueError(f"must name a channel after {surface}:")
        return value

    def policy(self) -> NudgePolicy:
        return NudgePolicy(self.weekday, self.hour, self.admin_channel)


class WorkerSettings(_Section):
    standby_poll_seconds: Positive = Field(5.0, validation_alias=_env("SECBOT_WORKER_STANDBY_POLL"))
    once_lock_timeout_seconds: Positive = Field(
        120.0, validation_alias=_env("SECBOT_WORKER_LOCK_TIMEOUT")
    )
    slack_pace_seconds: Annotated[float, AfterValidator(_between(0, 60))] = Field(
        1.0, validation_alias=_env("SECBOT_SLACK_PACE")
    )


class SiteSettings(_Section):
    """The SECAS website sync (docs/sync.md)."""

    url: Annotated[str, AfterValidator(_web_address)] = Field(
        SEC_WEBSITE, validation_alias=_env("SECBOT_SITE_URL")
    )
    requests_per_second: Annotated[
        float, AfterValidator(_positive), AfterValidator(_between(0, 10))
    ] = Field(1.0, validation_alias=_env("SECBOT_SYNC_RATE"))
    contact: str = Field("", validation_alias=_env("SECBOT_SYNC_CONTACT"))
    apply: Literal["auto", "review"] = Field("auto", validation_alias=_env("SECBOT_SYNC_APPLY"))
    timeout_seconds: Positive = Field(20.0, validation_alias=_env("SECBOT_SYNC_TIMEOUT"))
    max_page_bytes: PositiveInt = Field(
        2_000_000, validation_alias=_env("SECBOT_SYNC_MAX_PAGE_BYTES")
    )
    schedule: str = Field("7-19/2", validation_alias=_env("SECBOT_SYNC_SCHEDULE"))
    enabled: bool = Field(True, validation_alias=_env("SECBOT_SYNC_ENABLED"))

    @field_validator("contact")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if any(ch in value for ch in "\r\n") or len(value) > 200:
            raise ValueError("must be one line of at most 200 characters")
        return value.strip()

    @field_validator("schedule")
    @classmethod
    def _hours(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger(hour=value)
        except ValueError:
            raise ValueError("must be cron hours, e.g. 7-19/2") from None
        return value


class Settings(BaseSettings):
    """Every section of secbot's configuration."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, frozen=True
    )

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    teams: TeamsSettings = Field(default_factory=TeamsSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    nudges: NudgeSettings = Field(default_factory=NudgeSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    site: SiteSettings = Field(default_factory=SiteSettings)
    admins_raw: str = Field("", validation_alias=_env("SECBOT_ADMINS"))
    # Read only to refuse it: secbot's zone is fixed (see the module docstring).
    retired_timezone: str | None = Field(None, validation_alias=_env("SECBOT_TIMEZONE"))

    @field_validator("retired_timezone")
    @classmethod
    def _london_only(cls, value: str | None) -> str | None:
        if value and value.strip() != ZONE:
            raise ValueError(
                f"is no longer read: secbot always uses {ZONE}, the zone of the SEC's Working "
                "Days; unset it"
            )
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        env_file = getattr(dotenv_settings, "env_file", None)
        return init_settings, _FlatEnvironment(settings_cls, env_file)

    @property
    def admins(self) -> frozenset[str]:
        """Administrator ids (Slack user ids, Teams AAD ids, or "console"), comma separated."""
        return frozenset(a.strip() for a in self.admins_raw.split(",") if a.strip())

    def secrets(self) -> list[str]:
        """Every secret that is set, for the log redactor of each process."""
        teams = self.teams.app_password
        return [*self.slack.secrets(), *([teams.get_secret_value()] if teams else [])]

    def __repr__(self) -> str:  # SecretStr already hides tokens; keep repr short anyway
        return f"Settings({self.database!r})"


class _FlatEnvironment(PydanticBaseSettingsSource):
    """The environment (over the .env file) by each field's own variable names.

    pydantic-settings would look nested fields up as SECTION__FIELD; secbot's variables have
    always been flat (SLACK_BOT_TOKEN, SECBOT_NUDGE_HOUR), so each section's aliases are read.
    """

    def __init__(self, settings_cls: type[BaseSettings], env_file: Any) -> None:
        super().__init__(settings_cls)
        self.values = {**_dotenv(env_file), **os.environ}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads every field at once

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            section = field.annotation
            if isinstance(section, type) and issubclass(section, _Section):
                values = {
                    env: self.values[env]
                    for sub in section.model_fields.values()
                    if (env := self._first_set(sub)) is not None
                }
                if values:
                    found[name] = values
            elif (env := self._first_set(field)) is not None:
                found[env] = self.values[env]
        return found

    def _first_set(self, field: FieldInfo) -> str | None:
        alias = field.validation_alias
        names = alias.choices if isinstance(alias, AliasChoices) else []
        return next((n for n in names if isinstance(n, str) and n in self.values), None)


def _dotenv(env_file: Any) -> dict[str, str]:
    if not env_file:
        return {}
    files = env_file if isinstance(env_file, list | tuple) else [env_file]
    values: dict[str, str] = {}
    for path in files:
        if Path(path).is_file():
            values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    return values


def load_settings(**overrides: Any) -> Settings:
    """The settings, or a ConfigurationError whose message is one line for the operator."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigurationError(describe_errors(error)) from None


def describe_errors(error: ValidationError) -> str:
    """ "SECBOT_NUDGE_HOUR must be 0-23 (got 25)", joined with "; " when there are several."""
    return "; ".join(_describe(e) for e in error.errors())


def _describe(err: Any) -> str:
    names = [str(part) for part in err.get("loc", ()) if isinstance(part, str)]
    variable = next((n for n in reversed(names) if n.isupper()), None)
    message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
    message = message.replace("Input should be", "must be")
    message = _PLAIN.get(err.get("type", ""), message)
    if variable is None:
        return message  # a rule about a combination of settings: its message names them
    given = err.get("input")
    secret = "SECRET" in variable or "TOKEN" in variable or "PASSWORD" in variable
    shown = "" if secret or isinstance(given, dict) else f" (got {given})"
    return f"{variable} {message}{shown}"


_PLAIN = {
    "int_parsing": "must be a whole number",
    "float_parsing": "must be a number",
    "bool_parsing": "must be true or false",
}
