"""The web process: one ASGI app for Slack's requests, the health check and the calendar feed.

POST /slack/events   commands, events and interactivity (Bolt verifies Slack's signature)
GET  /slack/install, /slack/oauth_redirect   the multi-workspace install (OAuth), when set up
GET  /healthz        200 when the database answers, 503 otherwise
GET  /calendar.ics   the iCalendar feed (bot.calendar_feed); the last good copy, or 503 with
                     Retry-After, while the database is down

Request bodies over MAX_BODY_BYTES are refused with 413 before they are read in full; then the
signature is checked and the body's shape judged (bot.slack.gate) before Bolt parses anything,
so junk gets 400/401 and one rate-limited log line, never a 500 or a logged body. Bolt's App is
synchronous, so each Slack request is dispatched in a worker thread: the event loop stays free
while a listener acknowledges; answers run on their own bounded pool (bot.slack.app).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import calendar_feed
from bot.slack.app import create_slack_app, slack_configured
from bot.slack.gate import Refusal, RefusalLog, check_shape, check_signature

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# Slack's payloads are small (a message is at most 40,000 characters; a modal submission a few
# hundred KB). Bolt for JavaScript refuses bodies over 4 MB by default; so do we.
MAX_BODY_BYTES = 4 * 1024 * 1024
CALENDAR_RETRY_AFTER = "120"  # seconds: a database restart rarely takes longer


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuse request bodies over a size with 413, judged by Content-Length and by bytes read."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(scope, send)
            return
        received, started = 0, False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:  # a lying or absent Content-Length
                raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _too_large(scope, send)


async def _too_large(scope: Scope, send: Send) -> None:
    await PlainTextResponse("Request body too large", status_code=413)(scope, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("select 1"))


def _slack_routes(app: App, signing_secret: str) -> list[Route]:
    refusals = RefusalLog()

    async def events(request: Request) -> Response:
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        refusal = check_signature(signing_secret, headers, body) or check_shape(
            body, headers.get("content-type", "")
        )
        if refusal is not None:
            refusals.refused(refusal, request.client.host if request.client else "unknown")
            return PlainTextResponse(refusal.reason, status_code=refusal.status)
        try:
            bolt_request = to_bolt_request(request, body)
        except Exception:  # checked above; a shape Bolt still cannot parse is not Slack's
            refusals.refused(
                Refusal(400, "a body Bolt cannot parse"),
                request.client.host if request.client else "unknown",
            )
            return PlainTextResponse("Bad request", status_code=400)
        return to_starlette_response(await run_in_threadpool(app.dispatch, bolt_request))

    routes = [Route("/slack/events", events, methods=["POST"])]
    flow = app.oauth_flow
    if flow is not None:

        async def install(request: Request) -> Response:
            try:
                bolt_request = to_bolt_request(request, await request.body())
            except Exception:
                return PlainTextResponse("Bad request", status_code=400)
            handle = (
                flow.handle_installation
                if request.url.path == flow.install_path
                else flow.handle_callback
            )
            return to_starlette_response(await run_in_threadpool(handle, bolt_request))

        routes += [Route(flow.install_path, install), Route(flow.redirect_uri_path, install)]
    return routes


def _calendar_endpoint(services: Services) -> Callable[[Request], Awaitable[Response]]:
    """GET /calendar.ics; while the database is down, the last good copy or a 503."""
    last_good: list[bytes] = []
    lock = threading.Lock()

    async def calendar(request: Request) -> Response:
        try:
            body = await run_in_threadpool(calendar_feed.calendar_ics, services)
        except Exception:
            log.warning("calendar feed: the database did not answer", exc_info=True)
            with lock:
                kept = last_good[-1] if last_good else None
            if kept is None:
                return PlainTextResponse(
                    "The calendar is unavailable for a moment; try again shortly.",
                    status_code=503,
                    headers={"Retry-After": CALENDAR_RETRY_AFTER},
                )
            return Response(kept, media_type=_ICS, headers={"Cache-Control": "max-age=60"})
        with lock:
            last_good[:] = [body]
        return Response(body, media_type=_ICS, headers={"Cache-Control": "max-age=300"})

    return calendar


_ICS = "text/calendar; charset=utf-8"


def _not_configured(request: Request) -> Response:
    return JSONResponse({"error": "Slack is not configured on this server"}, status_code=503)


def _teams_routes(services: Services) -> list[BaseRoute]:
    """The Teams messaging endpoint, when Teams is configured (the SDK is slow to import)."""
    teams = services.settings.teams
    if not teams.enabled:
        return []
    from bot.teams.app import teams_routes

    teams.warn_if_unsafe()
    return teams_routes(services, settings=teams)


def create_web_app(
    services: Services,
    *,
    slack_events: bool = True,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Starlette:
    """The ASGI app. slack_events=False leaves Slack to Socket Mode (no HTTP endpoint)."""

    async def healthz(request: Request) -> Response:
        try:
            await run_in_threadpool(_ping, services.engine)
        except Exception:
            log.exception("health check: the database did not answer")
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        return JSONResponse({"ok": True, "database": "ok"})

    calendar = _calendar_endpoint(services)

    routes: list[BaseRoute] = [Route("/healthz", healthz), Route("/calendar.ics", calendar)]
    slack_app: App | None = None
    if slack_events and slack_configured(services.settings):
        secret = services.settings.slack.signing_secret
        signing_secret = secret.get_secret_value() if secret is not None else ""
        slack_app = create_slack_app(services)
        routes += _slack_routes(slack_app, signing_secret)
    elif slack_events:
        routes.append(Route("/slack/events", _not_configured, methods=["POST"]))
    routes += _teams_routes(services)
    limit = Middleware(BodySizeLimit, max_bytes=max_body_bytes)
    web = Starlette(routes=routes, middleware=[limit])
    web.state.slack_app = slack_app  # the Bolt app (or None): tests wait on its listeners
    return web
