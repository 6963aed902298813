"""Keep Slack secrets out of logs: tokens, response URLs, and the configured secrets.

A failing handler logs its traceback; an exception message or a logged payload can carry a bot
token, a response_url (which lets anyone post to the channel for 30 minutes) or the legacy
verification token, an access log line an OAuth ``code``. The filter rewrites each record before
any handler formats it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[redacted]"
_PATTERNS = (
    re.compile(r"xox[abposr]-[A-Za-z0-9-]+"),  # bot, user, app config and refresh tokens
    re.compile(r"xapp-[A-Za-z0-9-]+"),  # app-level (Socket Mode) tokens
    # response_url and webhooks, plain or URL-encoded as in a slash command's form body
    re.compile(r"https?(?::|%3A)(?://|%2F%2F)hooks\.slack(?:-gov)?\.com(?:/|%2F)[^\s&\"']+", re.I),
    re.compile(r"(?<=[\"'&?\s])token=[^&\s\"']+"),  # legacy verification token in form bodies
    re.compile(r"(?<=[\"'])token[\"']\s*:\s*[\"'][^\"']+[\"']"),  # ... and in JSON or reprs
    re.compile(r"token%22(?:%20|\+)*%3A(?:%20|\+)*%22.*?%22", re.I),  # ... and URL-encoded JSON
    # the OAuth code and state in a redirect's query string (the access log prints the path)
    re.compile(r"(?<=[?&])(?:code|state)=[^&\s\"']+"),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with every token-like value and every given secret replaced."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the message and the formatted traceback of each record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info), self.secrets)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def install_redaction(secrets: Iterable[str] = (), logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of a logger (the root by default); for entry points."""
    target = logger or logging.getLogger()
    redacting = RedactingFilter(secrets)
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redacting)
