"""Posting outbox rows to Slack with slack_sdk's WebClient.

- 429: the client sleeps Retry-After and tries again (twice at most, and only for short waits);
  beyond that the row goes back to the outbox with next_attempt_at after Retry-After.
- 5xx, timeouts, dropped connections: never retried inside the client, because Slack may have
  accepted the message; the row is retried later and, being a retry, looked for first.
- Any row tried before (a retry, or one a crashed worker left in "sending") is looked for in
  conversations.history(include_all_metadata=True) by its metadata key; a found message is
  adopted (its ts recorded) instead of posting again.
- About one message a second per channel (``Pacer``); each channel is sent from its own thread
  by the dispatcher, so a slow channel never holds up another.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler, RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

from jobs.context import SendResult
from jobs.payloads import EVENT_TYPE, late_version
from storage.outbox import ClaimedDelivery

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


class Pacer:
    """At most one message per ``interval`` seconds to each channel."""

    def __init__(
        self,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval, self._clock, self._sleep = interval, clock, sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        """Sleep until the channel may have its next message, then take the slot."""
        with self._lock:
            last = self._last.get(channel)
        if last is not None:
            pause = last + self.interval - self._clock()
            if pause > 0:
                self._sleep(pause)
        with self._lock:
            self._last[channel] = self._clock()


def make_client(token: str, base_url: str | None = None, timeout: int = 10) -> WebClient:
    """A WebClient for the outbox: bounded 429 retries, no blind retries of anything else."""
    return WebClient(
        token=token,
        base_url=base_url or SLACK_API,
        timeout=timeout,
        retry_handlers=[BoundedRateLimitRetryHandler()],
    )


class SlackSender:
    surface = "slack"

    def __init__(self, client: WebClient, pacer: Pacer | None = None) -> None:
        self.client = client
        self.pacer = pacer or Pacer()
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def pace(self) -> float:
        """Seconds between two messages to one channel; the dispatcher schedules by it."""
        return self.pacer.interval

    def send(self, delivery: ClaimedDelivery, *, late: bool, too_old: bool) -> SendResult:
        try:
            if delivery.attempts > 1:
                found = self.find_posted(delivery)
                if found is not None:
                    log.info(
                        "found %s in %s (ts %s); not posting again",
                        delivery.reminder_key,
                        delivery.recipient,
                        found,
                    )
                    return SendResult("sent", ts=found)
            if too_old:
                return SendResult("skipped", error="past the catch-up window; not found in Slack")
            return self._post(delivery, late=late)
        except SlackApiError as exc:
            return _api_failure(exc)
        except (OSError, TimeoutError) as exc:  # URLError is an OSError
            return SendResult("retry", error=f"connection: {exc}")

    def _post(self, delivery: ClaimedDelivery, *, late: bool) -> SendResult:
        payload = delivery.payload
        text, blocks = (payload["text"], payload["blocks"])
        if late:
            text, blocks = late_version(payload)
        channel = self._channel_for(delivery.recipient)
        self.pacer.wait(channel)
        response = self.client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=blocks,
            metadata=payload["metadata"],
            unfurl_links=False,
            unfurl_media=False,
        )
        return SendResult("sent", ts=str(response["ts"]))

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
