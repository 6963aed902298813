"""The Teams SDK's HTTP adapter for our Starlette web process.

The SDK splits HTTP handling in two: its ``HttpServer`` checks each activity's token, parses it
and runs our handlers; an ``HttpServerAdapter`` only translates requests and responses for a web
framework. The SDK ships a FastAPI one that runs its own uvicorn; this one lets the SDK's routes
live inside our app (``secbot serve``), next to Slack's, with the SDK's validation unchanged.

In development mode (TEAMS_ALLOW_UNAUTHENTICATED: no token is checked, so anyone can send an
activity) only activities whose ``serviceUrl`` is on this machine (127.0.0.0/8, ::1,
localhost) are accepted: replies carry the bot's token to that URL and it is stored for later
messages, so a forged activity must not be able to name somewhere else.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from urllib.parse import urlsplit

from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger(__name__)


def is_loopback_url(url: object) -> bool:
    """True for an http(s) URL whose host is this machine: 127.0.0.0/8, ::1 or localhost."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class StarletteAdapter:
    """Holds the routes the SDK registers and serves them from Starlette endpoints.

    ``loopback_only`` (development mode) refuses, with 403, activities whose serviceUrl is not
    on this machine.
    """

    def __init__(self, *, loopback_only: bool = False) -> None:
        self._handlers: dict[str, HttpRouteHandler] = {}
        self.loopback_only = loopback_only

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        if method != "POST":
            raise ValueError(f"unsupported HTTP method {method!r}")
        self._handlers[path] = handler

    def serve_static(self, path: str, directory: str) -> None:
        raise NotImplementedError("secbot serves no Teams tabs or static pages")

    async def start(self, port: int) -> None:
        raise NotImplementedError("`secbot serve` runs the web server; the SDK does not")

    async def stop(self) -> None:
        """Nothing to stop: the web process owns the server."""

    def has_route(self, path: str) -> bool:
        return path in self._handlers

    async def dispatch(self, path: str, request: Request) -> Response:
        """Hand one HTTP request to the SDK handler registered for ``path``."""
        handler = self._handlers.get(path)
        if handler is None:
            return JSONResponse({"error": "Teams endpoint not ready"}, status_code=503)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"error": "the body must be a JSON activity"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "the body must be a JSON activity"}, status_code=400)
        if self.loopback_only and not is_loopback_url(body.get("serviceUrl")):
            log.warning("development mode: refused a Teams activity whose serviceUrl is not local")
            return JSONResponse(
                {"error": "development mode accepts only loopback serviceUrls"}, status_code=403
            )
        # Starlette gives header names in lower case, as the SDK expects ("authorization").
        result = await handler(HttpRequest(body=body, headers=dict(request.headers)))
        status, payload = result["status"], result.get("body")
        if payload is None:
            return Response(status_code=status)
        return JSONResponse(payload, status_code=status)
