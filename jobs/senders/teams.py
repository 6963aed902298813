"""Posting outbox rows to Teams through the Bot Connector, with the Teams SDK's API client.

A row's ``recipient`` is what the subscription stored: a conversation id (a channel or group
chat), or a person's Entra object id (subscribed in their personal chat). The stored conversation
reference (storage.teams_store) gives the service URL to post to; a person with no personal chat
yet gets one opened (POST /v3/conversations) when tenant and bot id are known.

Outcomes follow the Slack sender: 429 and 5xx, timeouts and dropped connections are retried by
the outbox (Retry-After honoured); 400/403/404, a removed bot or an unknown conversation are dead.
Unlike Slack, the Bot Connector cannot list what the bot posted, so a retry cannot look for an
earlier post: a row tried before is posted again, and a row past the catch-up window is skipped.

One HTTP client (so one connection pool) and one event loop, on a thread of its own, serve the
sender for its whole life: the dispatcher's channel threads hand it coroutines, and ``close()``
(called when the worker stops) closes the client and ends the loop.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import re
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import httpx
from jinja2 import TemplateNotFound
from microsoft_teams.api import ApiClient
from microsoft_teams.api.activities.message import MessageActivityInput
from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
from microsoft_teams.api.auth.credentials import TokenProviderProtocol
from microsoft_teams.api.clients.conversation import CreateConversationParams
from microsoft_teams.api.models import Account, ConversationAccount
from microsoft_teams.api.models.attachment.attachment import Attachment
from microsoft_teams.common import Client, ClientOptions
from sqlalchemy.orm import Session, sessionmaker

from jobs.context import Renderer, SendResult
from jobs.pacing import Pacer
from sec.timefmt import now
from storage import teams_store
from storage.db import transaction
from storage.outbox import ClaimedDelivery
from storage.teams_store import ConversationRef

log = logging.getLogger(__name__)

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams"
# Teams allows a bot about 7 messages a second in one conversation; stay well under.
PACE_SECONDS = 0.5
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_DEAD_STATUSES = {400, 403, 404, 410, 413}
T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    conversation_id: str
    service_url: str
    bot_id: str | None


class TeamsSender:
    """The outbox's sender for surface "teams" (see jobs.context.Sender)."""

    surface = "teams"

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        token_provider: TokenProviderProtocol | None,
        bot_id: str | None,
        tenant_id: str | None = None,
        service_url: str = DEFAULT_SERVICE_URL,
        cloud: CloudEnvironment | None = None,
        timeout: float = 15.0,
        pacer: Pacer | None = None,
    ) -> None:
        self.sessions = sessions
        self.token_provider = token_provider
        self.bot_id = bot_id
        self.tenant_id = tenant_id
        self.service_url = service_url
        self.cloud = cloud
        self.timeout = timeout
        self.pacer = pacer or Pacer(interval=PACE_SECONDS)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._http: Client | None = None  # made on the loop, on first use
        self._apis: dict[str, ApiClient] = {}
        self._start = threading.Lock()
        self._closed = False

    @property
    def http(self) -> Client | None:
        """The one HTTP client every message goes through (None before the first send)."""
        return self._http

    def close(self) -> None:
        """Close the HTTP client and stop the loop; later sends are refused (safe twice)."""
        with self._start:
            self._closed, loop, thread = True, self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        if self._http is not None:
            asyncio.run_coroutine_threadsafe(self._http.http.aclose(), loop).result(self.timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(self.timeout)
        loop.close()

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the sender's loop and wait for it (from any thread)."""
        with self._start:
            if self._closed:
                work.close()
                raise RuntimeError("the Teams sender is closed")
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="teams-sender", daemon=True
                )
                self._thread.start()
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(work, loop).result()

    def send(self, delivery: ClaimedDelivery, *, late: bool, too_old: bool) -> SendResult:
        if too_old:
            return SendResult(
                "skipped",
                error="past the catch-up window (Teams posts cannot be "
                "looked up, so nothing is adopted)",
            )
        try:
            return self._run(self._send(delivery, late=late))
        except httpx.HTTPStatusError as exc:
            return _http_failure(exc.response)
        except (httpx.TransportError, OSError, TimeoutError) as exc:
            return SendResult("retry", error=f"connection: {exc}")
        except ValueError as exc:  # the SDK's token acquisition reports failures this way
            return SendResult("retry", error=f"token: {exc}")

    async def _send(self, delivery: ClaimedDelivery, *, late: bool) -> SendResult:
        target = await asyncio.to_thread(self._find, delivery.recipient)
        if target is None:
            target = await self._open_personal_chat(self._api(self.service_url), delivery.recipient)
        if isinstance(target, SendResult):
            return target
        api = self._api(target.service_url)
        activity = activity_for(delivery.payload, late=late)
        activity.from_ = Account(id=target.bot_id) if target.bot_id else None
        activity.conversation = ConversationAccount(id=target.conversation_id)
        await asyncio.to_thread(self.pacer.wait, target.conversation_id)
        sent = await api.conversations.create_activity(target.conversation_id, activity)
        return SendResult("sent", ts=sent.id)

    def _api(self, service_url: str) -> ApiClient:
        """The API client for a service URL, all sharing the one HTTP client (loop thread only)."""
        if self._http is None:
            self._http = Client(ClientOptions(timeout=self.timeout))
        key = service_url.rstrip("/")
        if key not in self._apis:
            self._apis[key] = ApiClient(
                key, self._http, cloud=self.cloud, token_provider=self.token_provider
            )
        return self._apis[key]

    def _find(self, recipient: str) -> Target | SendResult | None:
        """The stored conversation for a recipient; None when a personal chat may be opened."""
        with transaction(self.sessions) as session:
            row = teams_store.find_target(session, channel=recipient)
            if row is not None and row.active:
                return Target(row.conversation_id, row.service_url, row.bot_id or self.bot_id)
            removed = (
                row is not None
                or teams_store.get_personal_conversation(
                    session, user_aad_id=recipient, active_only=False
                )
                is not None
            )
        if removed:
            return SendResult(
                "dead", error=f"secbot was removed from the Teams conversation {recipient}"
            )
        if _GUID.match(recipient) and self.tenant_id and self.bot_id:
            return None
        return SendResult(
            "dead",
            error=f"no Teams conversation stored for {recipient} (is the app installed there?)",
        )

    async def _open_personal_chat(self, api: ApiClient, user_aad_id: str) -> Target:
        """Open (or get back) the bot's personal chat with a person, and store it."""
        assert self.bot_id is not None and self.tenant_id is not None
        params = CreateConversationParams(
            members=[Account(id=user_aad_id)],
            tenant_id=self.tenant_id,
            channel_data={"tenant": {"id": self.tenant_id}},
            bot={"id": self.bot_id},
            isGroup=False,
        )
        created = await api.conversations.create(params)
        service_url = created.service_url or api.service_url
        ref = ConversationRef(
            created.id, service_url, "personal", self.tenant_id, self.bot_id, user_aad_id, None
        )
        await asyncio.to_thread(self._store, ref)
        return Target(created.id, service_url, self.bot_id)

    def _store(self, ref: ConversationRef) -> None:
        with transaction(self.sessions) as session:
            teams_store.save_conversation(session, ref=ref, at=now())


def activity_for(payload: dict[str, Any], *, late: bool) -> MessageActivityInput:
    """The message for a stored payload: its card (or its text), with the late note if late."""
    text = str(payload.get("text") or "")
    note = str(payload.get("late_note") or "Sent late.")
    card = payload.get("card")
    if not isinstance(card, dict):
        return MessageActivityInput(text=f"{text}\n\n{note}" if late else text, text_format="plain")
    card = copy.deepcopy(card)
    if late:
        late_block = {"type": "TextBlock", "text": note, "wrap": True, "isSubtle": True}
        card["body"] = [*card.get("body", []), late_block]
        card["fallbackText"] = f"{card.get('fallbackText', text)}\n\n{note}"
    summary = next((line.strip() for line in text.splitlines() if line.strip()), "secbot")
    attachment = Attachment(content_type=ADAPTIVE_CARD, content=card)
    return MessageActivityInput(summary=summary[:200]).add_attachments(attachment)


def _http_failure(response: httpx.Response) -> SendResult:
    status = response.status_code
    detail = f"HTTP {status}: {response.text[:300]}"
    if status == 429:
        wait = _retry_after(response.headers.get("retry-after"))
        return SendResult("retry", error=f"throttled (Retry-After {wait:g}s)", retry_after=wait)
    if status in _DEAD_STATUSES:
        return SendResult("dead", error=detail)
    return SendResult("retry", error=detail)  # 401 (token), 5xx, anything unexpected


def _retry_after(value: str | None) -> float:
    try:
        return float(value) if value else 1.0
    except ValueError:
        return 1.0


def teams_payload(
    render: Renderer, *, template: str, key: str, due_at: datetime, context: dict[str, Any]
) -> dict[str, Any]:
    """The stored payload for surface "teams": the text, its Adaptive Card and the late note.

    Rendered once at enqueue, like Slack's. A kind with no templates/teams/<template>.json.j2
    shows its text in the generic message card.
    """
    text = render("text", template, r=context)
    try:
        card = json.loads(render("teams", template, r=context, text=text))
    except TemplateNotFound:
        card = json.loads(render("teams", "message", m={"text": text, "suggestions": []}))
    card["fallbackText"] = text
    late_note = render("text", "late_note", due_at=due_at)
    return {"text": text, "card": card, "late_note": late_note, "key": key}
