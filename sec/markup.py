"""Make stored text safe for chat markup: nothing from a paper or a user may ping or link."""

from __future__ import annotations

import re

_ZERO_WIDTH_SPACE = "\u200b"


def escape_mrkdwn(text: object) -> str:
    """Slack mrkdwn: escape &, <, > (so "<!channel>" cannot ping) and break bare @-mentions."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # "@channel"/"@here"/"@everyone" typed as plain words are not pings in API messages, but a
    # zero-width space keeps them inert if the text is ever re-posted by a person.
    return re.sub(r"@(channel|here|everyone)\b", "@" + _ZERO_WIDTH_SPACE + r"\1", escaped)


_TEAMS_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def escape_teams(text: object) -> str:
    """Teams markdown in Adaptive Cards: escape markup characters and angle brackets."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;")
    return _TEAMS_MARKDOWN.sub(r"\\\1", escaped)


def truncate(text: object, limit: int, ellipsis: str = "…") -> str:
    """Cut text to a platform limit, ending with an ellipsis when cut."""
    value = str(text)
    if len(value) <= limit:
        return value
    return value[: max(0, limit - len(ellipsis))].rstrip() + ellipsis


_CANVAS_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~<>])")


def escape_canvas(text: object) -> str:
    """Slack canvas markdown (canvases.create/edit): one line, markup characters escaped, and
    "@" broken so stored text cannot mention, link or break a table cell."""
    line = " ".join(str(text).split())
    escaped = _CANVAS_MARKDOWN.sub(r"\\\1", line)
    return re.sub(r"@(?=\w)", "@" + _ZERO_WIDTH_SPACE, escaped)
