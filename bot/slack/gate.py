"""The door in front of Bolt: refuse what Slack did not send before anything parses or logs it.

Bolt checks the signature too, but it parses first (a signed body that does not parse raised a
500 with a traceback) and, on a bad signature, logs the whole body at INFO: people's words and
megabytes of junk. Here each request is judged on its headers and raw bytes:

- no or non-numeric ``X-Slack-Request-Timestamp``, no ``X-Slack-Signature``: 401;
- a timestamp more than five minutes from now, or a signature that does not match: 401;
- signed but not a body Slack sends (not UTF-8, JSON that is not an object, a form ``payload``
  that is not a JSON object): 400.

A refusal is logged as one line (why, and the client's address; never the body), and at most
``LOG_PER_MINUTE`` such lines a minute, with a count of those left out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

log = logging.getLogger(__name__)

LOG_PER_MINUTE = 10
MAX_SKEW_SECONDS = 5 * 60


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str  # for the log line and the response; never holds the body


class RefusalLog:
    """One line per refusal, rate-limited: a flood of junk costs a few lines, not megabytes."""

    def __init__(self, per_minute: int = LOG_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._window_start = 0.0
        self._logged = 0
        self._suppressed = 0

    def refused(self, refusal: Refusal, client: str) -> None:
        with self._lock:
            moment = time.monotonic()
            if moment - self._window_start >= 60:
                if self._suppressed:
                    log.warning("refused %d more Slack requests (not logged)", self._suppressed)
                self._window_start, self._logged, self._suppressed = moment, 0, 0
            if self._logged >= self.per_minute:
                self._suppressed += 1
                return
            self._logged += 1
        log.warning("refused a request to /slack/events from %s: %s", client, refusal.reason)


def check_signature(
    secret: str, headers: dict[str, str], body: bytes, *, at: float | None = None
) -> Refusal | None:
    """None when Slack signed this body within the last five minutes; else why not."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp or not signature:
        return Refusal(401, "unsigned")
    if not timestamp.isdigit() or len(timestamp) > 12:
        return Refusal(401, "timestamp is not a number")
    moment = time.time() if at is None else at
    if abs(moment - int(timestamp)) > MAX_SKEW_SECONDS:
        return Refusal(401, "timestamp more than five minutes off")
    base = b"v0:" + timestamp.encode() + b":" + body  # over the raw bytes, whatever they are
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return Refusal(401, "bad signature")
    return None


def check_shape(body: bytes, content_type: str) -> Refusal | None:
    """None when a signed body parses the way Bolt will parse it; else a 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "body is not UTF-8")
    if "\x00" in text:
        return Refusal(400, "body holds NUL characters")
    if content_type.split(";", 1)[0].strip().lower() == "application/json" or text.startswith("{"):
        return _json_object(text, "JSON body")
    payload = parse_qs(text).get("payload")
    if payload:
        return _json_object(payload[0], "form payload")
    return None


def _json_object(text: str, what: str) -> Refusal | None:
    try:
        value = json.loads(text)
    except ValueError:
        return Refusal(400, f"{what} is not JSON")
    if not isinstance(value, dict):
        return Refusal(400, f"{what} is not a JSON object")
    return None
