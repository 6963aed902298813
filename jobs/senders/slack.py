"""Posting outbox rows to Slack with slack_sdk's WebClient.

- 429: the client sleeps Retry-After and tries again (twice at most, and only for short waits);
  beyond that the row goes back to the outbox with next_attempt_at after Retry-After.
- 5xx, timeouts, dropped connections: never retried inside the client, because Slack may have
  accepted the message; the row is retried later and, being a retry, looked for first.
- Any row tried before (a retry, or one a crashed worker left in "sending") is looked for in
  conversations.history(include_all_metadata=True) by its metadata key; a found message is
  adopted (its ts recorded) instead of posting again.
- About one message a second per channel (``jobs.pacing.Pacer``); each channel is sent from its
  own thread by the dispatcher, so a slow channel never holds up another.

The Slack payload (text, blocks, metadata, late note) is built here too, beside what sends it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler, RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

from jobs.context import Renderer, SendResult
from jobs.pacing import Pacer
from jobs.senders import slack_threads, slack_trackers
from sec.markup import escape_mrkdwn
from storage.outbox import ClaimedDelivery
from storage.trackers import TrackerBook

__all__ = ["Pacer", "SlackDirectory", "SlackSender", "make_client", "slack_payload"]

log = logging.getLogger(__name__)

SLACK_API = "https://slack.com/api/"
# ok:false errors that another try cannot fix: dead-letter at once.
FATAL_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "msg_too_long",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "no_text",
        "restricted_action",
        "user_not_found",
        "cannot_dm_bot",
        "user_disabled",
        "ekm_access_denied",
        "team_access_not_granted",
    }
)
HISTORY_PAGES = 5
HISTORY_MARGIN = timedelta(hours=1)  # clock skew between us and Slack
EVENT_TYPE = "sec_reminder"


def metadata(key: str) -> dict[str, Any]:
    """What lets a restarted worker recognise its own message in conversations.history."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def slack_payload(
    render: Renderer, *, template: str, key: str, due_at: datetime, context: Mapping[str, Any]
) -> dict[str, Any]:
    """The stored payload for surface "slack", rendered once at enqueue."""
    # Slack reads a message's text as mrkdwn: stored titles must not ping or link.
    text = escape_mrkdwn(render("text", template, r=context))
    blocks = json.loads(render("slack", template, r=context))
    late_note = render("text", "late_note", due_at=due_at)
    return {"text": text, "blocks": blocks, "metadata": metadata(key), "late_note": late_note}


def late_version(payload: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """Text and blocks with the late note added (sent after the catch-up grace)."""
    note = str(payload.get("late_note") or "Sent late.")
    blocks = [*payload.get("blocks", []), _context_block(note)]
    return f"{payload.get('text', '')}\n\n{note}", blocks


def _context_block(text: str) -> dict[str, Any]:
    # The note is our own words and a date: plain_text needs no escaping.
    return {"type": "context", "elements": [{"type": "plain_text", "text": text[:2000]}]}


class BoundedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Honour Retry-After inside the client only when the wait is short."""

    def __init__(self, max_retry_count: int = 2, max_wait: float = 10.0) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return retry_after(response.headers) <= self.max_wait


def retry_after(headers: Any) -> float:
    """Retry-After in seconds from a header mapping (values may be lists); 1 when absent."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list | tuple) else value
            try:
                return float(first)
            except (TypeError, ValueError):
                return 1.0
    return 1.0


def make_client(token: str, base_url: str | None = None, timeout: int = 10) -> WebClient:
    """A WebClient for the outbox: bounded 429 retries, no blind retries of anything else."""
    return WebClient(
        token=token,
        base_url=base_url or SLACK_API,
        timeout=timeout,
        retry_handlers=[BoundedRateLimitRetryHandler()],
    )


class SlackDirectory:
    """``jobs.context.Directory`` over users.lookupByEmail (scope users:read.email)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def lookup_by_email(self, email: str) -> str | None:
        try:
            response = self.client.users_lookupByEmail(email=email)
        except (SlackApiError, OSError) as exc:  # users_not_found, or Slack unreachable
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else "connection"
            log.info("users.lookupByEmail found nobody (%s)", error)  # never log the address
            return None
        user_id = (response.get("user") or {}).get("id")
        return str(user_id) if user_id else None


class SlackSender:
    surface = "slack"

    def __init__(
        self,
        client: WebClient,
        pacer: Pacer | None = None,
        threads: slack_threads.Threads | None = None,
        trackers: TrackerBook | None = None,
    ) -> None:
        self.client = client
        # Where live trackers live (None: tracker rows are not sent; they wait in the outbox).
        self.trackers = trackers
        # Where change notices' thread parents are kept (None: change notices are not threaded).
        self.threads = threads
        self.pacer = pacer or Pacer()
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def pace(self) -> float:
        """Seconds between two messages to one channel; the dispatcher schedules by it."""
        return self.pacer.interval

    def send(self, delivery: ClaimedDelivery, *, late: bool, too_old: bool) -> SendResult:
        try:
            if slack_trackers.tracker_of(delivery.payload) is not None:
                return self._send_tracker(delivery)
            if delivery.attempts > 1:
                found = self.find_posted(delivery)
                if found is not None:
                    log.info(
                        "found %s in %s (ts %s); not posting again",
                        delivery.reminder_key,
                        delivery.recipient,
                        found,
                    )
                    self._adopt(delivery, found)
                    return SendResult("sent", ts=found)
            if too_old:
                return SendResult("skipped", error="past the catch-up window; not found in Slack")
            return self._post(delivery, late=late)
        except SlackApiError as exc:
            return _api_failure(exc)
        except (OSError, TimeoutError) as exc:  # URLError is an OSError
            return SendResult("retry", error=f"connection: {exc}")

    def _send_tracker(self, delivery: ClaimedDelivery) -> SendResult:
        """A live tracker's write: never late (it shows the latest state), never duplicated."""
        if self.trackers is None:
            return SendResult("retry", error="this sender keeps no trackers")
        channel = self._channel_for(delivery.recipient)
        self.pacer.wait(channel)
        return slack_trackers.send_tracker(self.client, self.trackers, delivery, channel=channel)

    def _post(self, delivery: ClaimedDelivery, *, late: bool) -> SendResult:
        payload = delivery.payload
        text, blocks = (payload["text"], payload["blocks"])
        if late:
            text, blocks = late_version(payload)
        channel = self._channel_for(delivery.recipient)
        self.pacer.wait(channel)
        message = {"text": text, "blocks": blocks, "metadata": payload["metadata"]}
        thread = slack_threads.thread_of(payload)
        if thread is not None and self.threads is not None:
            ts = slack_threads.post_threaded(
                self.client,
                slack_threads.in_workspace(self.threads, delivery.workspace),
                recipient=delivery.recipient,
                channel=channel,
                thread=thread,
                message={**message, "unfurl_links": False, "unfurl_media": False},
            )
            return SendResult("sent", ts=ts)
        response = self.client.chat_postMessage(
            channel=channel,
            **message,
            unfurl_links=False,
            unfurl_media=False,
        )
        return SendResult("sent", ts=str(response["ts"]))

    def _adopt(self, delivery: ClaimedDelivery, found: str) -> None:
        """A threaded row found posted: finish what its crashed try left undone."""
        thread = slack_threads.thread_of(delivery.payload)
        if thread is not None and self.threads is not None:
            slack_threads.adopt_found(
                self.client,
                slack_threads.in_workspace(self.threads, delivery.workspace),
                recipient=delivery.recipient,
                channel=self._channel_for(delivery.recipient),
                thread=thread,
                found=found,
            )

    def _channel_for(self, recipient: str) -> str:
        """A user id means a direct message: post to (and read) the IM channel itself."""
        if recipient[:1] not in ("U", "W"):
            return recipient
        with self._lock:
            known = self._dm_channels.get(recipient)
        if known is None:
            opened = self.client.conversations_open(users=recipient)
            known = str(opened["channel"]["id"])
            with self._lock:
                self._dm_channels[recipient] = known
        return known

    def find_posted(self, delivery: ClaimedDelivery) -> str | None:
        """The ts of our earlier message for this row, found by its metadata key."""
        channel = self._channel_for(delivery.recipient)
        thread = slack_threads.thread_of(delivery.payload)
        if thread is not None and self.threads is not None:
            reply = slack_threads.find_reply(
                self.client,
                slack_threads.in_workspace(self.threads, delivery.workspace),
                recipient=delivery.recipient,
                channel=channel,
                ref=str(thread["ref"]),
                key=delivery.reminder_key,
                is_ours=_is_ours,
            )
            if reply is not None:
                return reply
        oldest = (delivery.created_at - HISTORY_MARGIN).timestamp()
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            response = self.client.conversations_history(
                channel=channel,
                include_all_metadata=True,
                oldest=f"{oldest:.6f}",
                limit=200,
                cursor=cursor,
            )
            for message in response.get("messages") or []:
                if _is_ours(message, delivery.reminder_key):
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None


def _is_ours(message: dict[str, Any], key: str) -> bool:
    meta = message.get("metadata") or {}
    payload = meta.get("event_payload") or {}
    return meta.get("event_type") == EVENT_TYPE and payload.get("key") == key


def _api_failure(exc: SlackApiError) -> SendResult:
    response = exc.response
    status = getattr(response, "status_code", 200)
    error = str(response.get("error") if hasattr(response, "get") else "") or str(exc)
    if status == 429:
        wait = retry_after(getattr(response, "headers", {}))
        return SendResult("retry", error=f"ratelimited (Retry-After {wait:g}s)", retry_after=wait)
    if status >= 500:
        return SendResult("retry", error=f"HTTP {status}: {error}")
    if error in FATAL_ERRORS:
        return SendResult("dead", error=error)
    return SendResult("retry", error=error)
