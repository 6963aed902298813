"""Build the outbox's Teams sender from Teams settings (jobs may not read bot's settings)."""

from __future__ import annotations

from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
from microsoft_teams.api.auth.credentials import TokenProvider

from bot.services import Services
from bot.settings import TeamsSettings
from bot.teams.app import create_teams_app
from jobs.senders.teams import TeamsSender


def make_teams_sender(
    services: Services,
    settings: TeamsSettings | None = None,
    *,
    token: TokenProvider | None = None,
    cloud: CloudEnvironment | None = None,
) -> TeamsSender:
    """The Teams sender, with bot tokens from the same credentials the endpoint uses.

    The SDK App is built only for its token source (client secret, managed identity, or a token
    callable); it is never started. With TEAMS_ALLOW_UNAUTHENTICATED and no app id (local
    development against a fake connector) messages are posted without a token.
    """
    settings = settings or services.settings.teams
    if not settings.enabled:
        raise ValueError("Teams is not configured: set TEAMS_APP_ID (and a secret or identity)")
    app = create_teams_app(services, settings, token=token, cloud=cloud)
    return TeamsSender(
        services.sessions,
        token_provider=app.token_provider,
        bot_id=f"28:{settings.app_id}" if settings.app_id else None,
        tenant_id=settings.tenant_id,
        service_url=settings.service_url,
        cloud=app.cloud,  # the bot token's scope depends on the cloud
    )
