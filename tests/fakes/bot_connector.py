"""A local HTTP server that speaks enough of the Bot Connector API (Teams' side) for our tests.

Teams puts the URL to answer on in every activity (``serviceUrl``); tests put this server's
``service_url`` there, and the real Teams SDK posts replies and proactive messages to it:
``POST /v3/conversations/{id}/activities`` (send), ``.../activities/{activity id}`` (reply or
update) and ``POST /v3/conversations`` (open a conversation). Every request is recorded.

It also plays Bot Framework's token issuer: ``signer`` makes RS256 tokens the way the Bot
Connector signs the activities it posts to a bot, and the server publishes the public key at the
OpenID metadata and key URLs the SDK reads, so the SDK's own validation runs against it.
No token endpoint is faked: the SDK gets bot tokens through MSAL, which only talks to HTTPS
authorities; tests give the SDK a token callable (its TokenCredentials) instead.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment, with_overrides

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def conversation_id(self) -> str | None:
        parts = self.path.split("/")
        return unquote(parts[3]) if len(parts) > 3 and parts[2] == "conversations" else None

    @property
    def is_activity(self) -> bool:
        return "/activities" in self.path

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None

    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards the activity carries."""
        return [
            a["content"]
            for a in self.body.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]


@cache
def _rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One key per name for the whole run: generating RSA keys is the slow part."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Signer:
    """Signs tokens as the Bot Connector does, with a key only this fake publishes.

    Signers with different ``key_name`` hold different keys (a forger is ``Signer("forger")``).
    """

    def __init__(self, key_name: str = "connector", kid: str = "fake-key-1") -> None:
        self.kid = kid
        self._key = _rsa_key(key_name)

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        return {
            "keys": [
                {
                    **public,
                    "kid": self.kid,
                    "use": "sig",
                    "alg": "RS256",
                    "endorsements": ["msteams"],
                }
            ]
        }

    def token(self, *, app_id: str, service_url: str, **overrides: Any) -> str:
        """A connector token for ``app_id``; overrides change or add claims (e.g. aud, exp)."""
        issued = datetime.now(UTC)
        claims: dict[str, Any] = {
            "iss": BOT_FRAMEWORK_ISSUER,
            "aud": app_id,
            "serviceurl": service_url,
            "iat": issued,
            "nbf": issued,
            "exp": issued + timedelta(minutes=10),
        }
        claims.update(overrides)
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})


@dataclass
class _State:
    calls: list[Call] = field(default_factory=list)
    failures: list[tuple[int, int | None]] = field(default_factory=list)  # (status, retry-after)
    counter: int = 0
    connections: int = 0  # TCP connections accepted: a client that keeps one open reuses it


class FakeBotConnector:
    """The fake connector: start(), put service_url in activities, inspect calls, stop()."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.signer = Signer()
        self._state = _State()
        self._cond = threading.Condition()
        self._server = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> FakeBotConnector:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def cloud(self) -> CloudEnvironment:
        """Bot Framework's public cloud, with token validation keys read from this server."""
        metadata = f"{self.service_url}v1/.well-known/openidconfiguration"
        return with_overrides(PUBLIC, openid_metadata_url=metadata)

    def fail_next(self, status: int, *, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next ``times`` activity posts with an HTTP error."""
        with self._cond:
            self._state.failures.extend([(status, retry_after)] * times)

    @property
    def connections(self) -> int:
        with self._cond:
            return self._state.connections

    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._state.calls)

    def activities(self, conversation_id: str | None = None) -> list[Call]:
        """Activities posted (sent, replied or updated), optionally to one conversation."""
        return [
            c
            for c in self.calls()
            if c.is_activity
            and c.method in {"POST", "PUT"}
            and (conversation_id is None or c.conversation_id == conversation_id)
        ]

    def created_conversations(self) -> list[Call]:
        return [c for c in self.calls() if c.method == "POST" and c.path == "/v3/conversations"]

    def wait_for_activities(self, count: int = 1, timeout: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(found := self.activities()) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{len(found)} activities within {timeout}s, not {count}")
                self._cond.wait(remaining)
            return found

    # -- used by the request handler -------------------------------------------------------

    def _record(self, call: Call) -> tuple[int, int | None] | None:
        with self._cond:
            self._state.calls.append(call)
            self._state.counter += 1
            self._cond.notify_all()
            if call.is_activity and self._state.failures:
                return self._state.failures.pop(0)
            return None

    def _answer(self, call: Call) -> dict[str, Any]:
        with self._cond:
            n = self._state.counter
        if call.path == "/v3/conversations":
            return {
                "id": f"a:fake-conversation-{n}",
                "serviceUrl": self.service_url,
                "activityId": f"fake-activity-{n}",
            }
        return {"id": f"fake-activity-{n}"}


def _handler_for(fake: FakeBotConnector) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:  # once per connection (HTTP/1.1 keeps it for many requests)
            super().setup()
            with fake._cond:
                fake._state.connections += 1

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path.endswith("/.well-known/openidconfiguration"):
                self._json(
                    200,
                    {
                        "issuer": BOT_FRAMEWORK_ISSUER,
                        "jwks_uri": f"{fake.service_url}v1/.well-known/keys",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    },
                )
            elif path.endswith("/.well-known/keys"):
                self._json(200, fake.signer.jwks())
            else:
                self._json(404, {"error": {"code": "NotFound"}})

        def do_POST(self) -> None:
            self._write_call("POST")

        def do_PUT(self) -> None:
            self._write_call("PUT")

        def _write_call(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            headers = {k.lower(): v for k, v in self.headers.items()}
            call = Call(method, urlsplit(self.path).path, headers, json.loads(raw or b"{}"))
            failure = fake._record(call)
            if failure is not None:
                status, retry_after = failure
                extra = {"Retry-After": str(retry_after)} if retry_after else {}
                self._json(status, {"error": {"code": "Scripted", "message": "fake"}}, extra)
                return
            if not call.path.startswith("/v3/conversations"):
                self._json(404, {"error": {"code": "NotFound"}})
                return
            self._json(201 if call.path == "/v3/conversations" else 200, fake._answer(call))

        def _json(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
