"""The Teams SDK's HTTP adapter for our Starlette web process.

The SDK splits HTTP handling in two: its ``HttpServer`` checks each activity's token, parses it
and runs our handlers; an ``HttpServerAdapter`` only translates requests and responses for a web
framework. The SDK ships a FastAPI one that runs its own uvicorn; this one lets the SDK's routes
live inside our app (``secbot serve``), next to Slack's, with the SDK's validation unchanged.
"""

from __future__ import annotations

import json
import logging

from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger(__name__)


class StarletteAdapter:
    """Holds the routes the SDK registers and serves them from Starlette endpoints."""

    def __init__(self) -> None:
        self._handlers: dict[str, HttpRouteHandler] = {}

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
        # Starlette gives header names in lower case, as the SDK expects ("authorization").
        result = await handler(HttpRequest(body=body, headers=dict(request.headers)))
        status, payload = result["status"], result.get("body")
        if payload is None:
            return Response(status_code=status)
        return JSONResponse(payload, status_code=status)
