"""The Teams surface: the SDK's App, with our handlers, served from our Starlette web process.

``create_teams_asgi(services)`` returns an ASGI app answering ``POST /api/messages`` (or
TEAMS_MESSAGING_ENDPOINT); ``teams_routes(services)`` gives the same as Starlette routes to put
into the web app beside Slack's. The SDK validates every incoming token whenever an app id is
configured; only TEAMS_ALLOW_UNAUTHENTICATED=true (local development) turns that off, and then
only activities whose serviceUrl is on this machine are accepted (bot.teams.adapter).
"""

from __future__ import annotations

import logging

from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
from microsoft_teams.api.auth.cloud_environment import from_name as cloud_from_name
from microsoft_teams.api.auth.credentials import TokenProvider
from microsoft_teams.apps import App
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.services import Services
from bot.settings import TeamsSettings
from bot.teams import conversations, messages, unfurls
from bot.teams.adapter import StarletteAdapter

log = logging.getLogger(__name__)


def create_teams_app(
    services: Services,
    settings: TeamsSettings,
    *,
    adapter: StarletteAdapter | None = None,
    token: TokenProvider | None = None,
    cloud: CloudEnvironment | None = None,
) -> App:
    """The SDK App with secbot's handlers registered; nothing is started.

    ``token`` replaces the client secret with a token callable (the SDK's TokenCredentials: a
    custom identity, or tests against a fake connector); ``cloud`` overrides the endpoints of the
    cloud named by TEAMS_CLOUD (sovereign clouds, or a local fake of Bot Framework's keys).
    """
    settings.warn_if_unsafe()
    secret = settings.app_password.get_secret_value() if settings.app_password else None
    app = App(
        client_id=settings.app_id,
        client_secret=secret,
        tenant_id=settings.tenant_id,
        managed_identity_client_id=settings.managed_identity_client_id,
        token=token,
        cloud=cloud or (cloud_from_name(settings.cloud) if settings.cloud else None),
        service_url=settings.service_url,
        dangerously_allow_unauthenticated_requests=settings.allow_unauthenticated,
        http_server_adapter=adapter
        or StarletteAdapter(loopback_only=settings.allow_unauthenticated),
        messaging_endpoint=settings.messaging_endpoint,
        state=False,
    )
    messages.register(app, services)
    conversations.register(app, services)
    unfurls.register(app, services)
    return app


def teams_routes(
    services: Services,
    *,
    settings: TeamsSettings | None = None,
    token: TokenProvider | None = None,
    cloud: CloudEnvironment | None = None,
) -> list[BaseRoute]:
    """The Teams messaging endpoint as Starlette routes, for the web app to include."""
    settings = settings or services.settings.teams
    # Development mode checks no token: only this machine may name where replies go.
    adapter = StarletteAdapter(loopback_only=settings.allow_unauthenticated)
    app = create_teams_app(services, settings, adapter=adapter, token=token, cloud=cloud)
    path = settings.messaging_endpoint

    async def messaging_endpoint(request: Request) -> Response:
        # The SDK registers its route (and token validator) when initialised; that is async,
        # so it happens on the first request rather than at import or in a lifespan a Mount
        # would not run. With no plugins it has no await point, so it cannot run twice.
        if not adapter.has_route(path):
            await app.initialize()
        return await adapter.dispatch(path, request)

    return [Route(path, messaging_endpoint, methods=["POST"], name="teams_messages")]


def create_teams_asgi(
    services: Services,
    *,
    settings: TeamsSettings | None = None,
    token: TokenProvider | None = None,
    cloud: CloudEnvironment | None = None,
) -> Starlette:
    """An ASGI app handling POST /api/messages; mount it, or use teams_routes() instead."""
    return Starlette(routes=teams_routes(services, settings=settings, token=token, cloud=cloud))
