"""Answers through a response_url that do not vanish when Slack stumbles.

A response_url lives 30 minutes and takes five posts. Bolt's ``respond`` posts once and drops the
answer on a 404, 5xx or 429 without a word. ``RetryingRespond`` (installed for every request by a
middleware) tries again on those statuses and on connection errors, waiting 1, 2, 4, 8 seconds
(or the Retry-After Slack gives), within five posts and the URL's life; when it gives up, it logs
one line: what failed and how often, never the answer's text or the URL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk.webhook import WebhookClient, WebhookResponse

log = logging.getLogger(__name__)

URL_LIFE_SECONDS = 30 * 60
MAX_POSTS = 5  # Slack's limit per response_url
FIRST_WAIT, MAX_WAIT = 1.0, 60.0
TIMEOUT_SECONDS = 10
RETRY_STATUSES = frozenset({404, 408, 429, 500, 502, 503, 504})
_FIELDS = (
    "blocks",
    "attachments",
    "response_type",
    "replace_original",
    "delete_original",
    "unfurl_links",
    "unfurl_media",
    "thread_ts",
    "metadata",
)


class RetryingRespond(Respond):
    """Bolt's ``respond``, retrying within the response_url's life and logging a failure."""

    def __init__(
        self,
        *,
        response_url: str | None,
        issued_at: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(response_url=response_url)
        self.issued_at = time.monotonic() if issued_at is None else issued_at
        self.sleep = sleep

    def __call__(self, text: str | dict = "", **fields: Any) -> WebhookResponse:  # type: ignore[override]
        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        message = dict(text) if isinstance(text, dict) else {"text": text}
        for name in _FIELDS:
            if fields.get(name) is not None:
                message[name] = _plain(fields[name])
        return self.send(message)

    def send(self, message: dict[str, Any]) -> WebhookResponse:
        client = WebhookClient(url=str(self.response_url), timeout=TIMEOUT_SECONDS)
        wait, attempt = FIRST_WAIT, 0
        response: WebhookResponse | None = None
        for attempt in range(1, MAX_POSTS + 1):
            response, problem = _post_once(client, message)
            if problem is None and response is not None:
                return response
            if response is not None:
                wait = max(wait, _retry_after(response))
            if attempt == MAX_POSTS or not self._time_for(wait):
                break
            self.sleep(wait)
            wait = min(wait * 2, MAX_WAIT)
        log.warning(
            "an answer could not be delivered to its response_url: %s after %d posts",
            problem,
            attempt,
        )
        if response is None:
            raise ConnectionError(f"response_url unreachable ({problem})")
        return response

    def _time_for(self, wait: float) -> bool:
        return time.monotonic() + wait < self.issued_at + URL_LIFE_SECONDS


def _post_once(
    client: WebhookClient, message: dict[str, Any]
) -> tuple[WebhookResponse | None, str | None]:
    """One post: the response, and what was wrong with it (None: delivered, or not retryable)."""
    try:
        response = client.send_dict(message)
    except OSError as exc:  # refused, reset, timed out
        return None, type(exc).__name__
    if response.status_code in RETRY_STATUSES:
        return response, f"HTTP {response.status_code}"
    return response, None


def _retry_after(response: WebhookResponse) -> float:
    headers = {k.lower(): v for k, v in (response.headers or {}).items()}
    raw = headers.get("retry-after")
    value = raw[0] if isinstance(raw, list) and raw else raw
    try:
        return min(max(float(str(value)), 0.0), MAX_WAIT)
    except (TypeError, ValueError):
        return 0.0


def _plain(value: Any) -> Any:
    """Block Kit model objects as dicts, as Bolt's own respond sends them."""
    if isinstance(value, (list, tuple)):
        return [item.to_dict() if hasattr(item, "to_dict") else item for item in value]
    return value


def install(app: Any) -> None:
    """A middleware giving each request a RetryingRespond (copied into its lazy listeners)."""

    def retrying_respond(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        if context.response_url:
            context["respond"] = RetryingRespond(response_url=context.response_url)
        return next()

    app.middleware(retrying_respond)
