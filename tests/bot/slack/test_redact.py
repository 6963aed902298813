"""No token survives the log filter."""

from __future__ import annotations

import logging

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.redact import REDACTED, RedactingFilter, redact

_TOKEN = st.from_regex(r"xox[bpa]-[0-9]{4,12}-[A-Za-z0-9]{8,24}", fullmatch=True)


@given(before=st.text(max_size=40), token=_TOKEN, after=st.text(max_size=40))
def test_slack_tokens_never_survive(before: str, token: str, after: str) -> None:
    assert token not in redact(f"{before}{token}{after}")


def test_secrets_urls_and_payload_tokens_are_redacted() -> None:
    text = (
        "posting to https://hooks.slack.com/commands/T1/123/abc failed; body "
        "token=legacy123&text=hi {'token': 'xapp-1-A-22-zz'} signing s3cr3t-value"
    )
    cleaned = redact(text, ["s3cr3t-value"])
    for secret in ("hooks.slack.com/commands", "legacy123", "xapp-1", "s3cr3t-value"):
        assert secret not in cleaned
    assert cleaned.count(REDACTED) >= 4
    encoded = "text=help&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F9%2Fx&a=b"
    assert redact(encoded) == f"text=help&response_url={REDACTED}&a=b"
    assert redact("status MP159 for U0USER in C0CHAN") == "status MP159 for U0USER in C0CHAN"


def test_filter_redacts_arguments_and_tracebacks() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "token %s", ("xoxb-1-2-abc",), None)
    try:
        raise RuntimeError("failed with xoxb-9-9-secret")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    RedactingFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "xoxb-" not in formatted and "RuntimeError" in formatted
