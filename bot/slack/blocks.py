"""Answers as Block Kit: rendered from templates/slack/*.json.j2 and fitted to Slack's limits.

Templates escape every stored string for mrkdwn; the plain-text fallback (the notification text,
which Slack also parses as mrkdwn) is escaped here. The shape of what the templates produce is
checked in the tests (every template, through slack_sdk's Block Kit models), not on each answer:
at run time we only cut to the limits, which is what varies with the data.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from jinja2 import TemplateError

from bot.answers import freshness
from bot.escaping import escape_mrkdwn, truncate
from bot.render import render_text, template_kind
from bot.templating import render
from bot.views import Answer, MessageView

log = logging.getLogger(__name__)

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100  # App Home and modals
SECTION_TEXT = 3000
HEADER_TEXT = 150
FIELD_TEXT = 2000
FIELDS = 10
CONTEXT_ELEMENTS = 10
ACTION_ELEMENTS = 25
BUTTON_TEXT = 75
FALLBACK_TEXT = 3000
MODAL_TITLE = 24
TABLE_ROWS = 100  # a table block's rows, the header row included
TABLE_CELLS = 20  # cells a table row holds
TABLE_CELL_TEXT = 2000  # characters, kept well inside the table's whole-text budget
PARTIAL_NOTE = "Only part of this answer fits in one Slack message; ask for less to see the rest."


class BlockKitError(ValueError):
    """A template produced something that is not a list of blocks."""


def render_blocks(kind: str, *, max_blocks: int = MESSAGE_BLOCKS, **context: Any) -> list[dict]:
    """Render a Slack template to blocks, fitted to the limits."""
    try:
        blocks = json.loads(render("slack", kind, **context))
    except ValueError as exc:
        raise BlockKitError(f"template {kind} is not JSON: {exc}") from exc
    if not isinstance(blocks, list):
        raise BlockKitError(f"template {kind} must render a list of blocks")
    return fit(blocks, max_blocks)


def answer_blocks(answer: Answer, *, max_blocks: int = MESSAGE_BLOCKS) -> list[dict]:
    """The blocks for an answer: its kind's template, or the generic message template."""
    kind = template_kind(answer, "slack")
    if kind == "message" and not isinstance(answer.model, MessageView):
        return text_blocks(answer, max_blocks=max_blocks)  # a kind without a Slack template yet
    said = freshness.slack_blocks(answer)  # where the facts come from, and how old they are
    blocks = render_blocks(
        kind, max_blocks=max_blocks - len(said), m=answer.model, meta=answer.meta, ok=answer.ok
    )
    return blocks + said


def text_blocks(answer: Answer, *, max_blocks: int = MESSAGE_BLOCKS) -> list[dict]:
    """The plain-text rendering, escaped, in sections split at line ends."""
    chunks, current = [], ""
    for line in escape_mrkdwn(render_text(answer)).splitlines():
        if current and len(current) + len(line) + 1 > SECTION_TEXT:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    chunks.append(current or " ")
    return fit([section(chunk) for chunk in chunks], max_blocks)


def fallback_text(answer: Answer) -> str:
    """The plain-text version (notifications, old clients), escaped: Slack parses it as mrkdwn."""
    return truncate(escape_mrkdwn(render_text(answer)), FALLBACK_TEXT)


def message_payload(answer: Answer) -> dict[str, Any]:
    """``text`` and ``blocks`` for chat.postMessage or a response_url.

    If the blocks cannot be built the answer still goes out as escaped text in one section.
    """
    text = fallback_text(answer)
    try:
        blocks = answer_blocks(answer)
    except (BlockKitError, TemplateError):
        log.exception("could not build blocks for a %s answer; sending text", answer.kind)
        blocks = [section(truncate(text, SECTION_TEXT))]
    return {"text": text, "blocks": blocks}


def section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def home_view(blocks: list[dict]) -> dict[str, Any]:
    """An App Home view of blocks already fitted (render_blocks with VIEW_BLOCKS)."""
    return {"type": "home", "blocks": fit(blocks, VIEW_BLOCKS)}


def modal_view(answer: Answer, title: str = "secbot") -> dict[str, Any]:
    """A modal showing an answer (for buttons pressed where there is no message to reply to)."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": truncate(title, MODAL_TITLE)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": answer_blocks(answer, max_blocks=VIEW_BLOCKS),
    }


# -- limits -------------------------------------------------------------------------------


def fit(blocks: list[dict], max_blocks: int = MESSAGE_BLOCKS) -> list[dict]:
    """Cut texts and lists to Slack's limits; drop trailing blocks beyond the count, saying so."""
    fitted = [_fit_block(block) for block in blocks]
    if len(fitted) > max_blocks:
        fitted = fitted[: max_blocks - 1] + [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": PARTIAL_NOTE}]}
        ]
    return fitted


def _fit_text(obj: dict[str, Any], limit: int) -> dict[str, Any]:
    if isinstance(obj.get("text"), str):
        return {**obj, "text": truncate(obj["text"], limit)}
    return obj


def _fit_block(block: dict[str, Any]) -> dict[str, Any]:
    kind = block.get("type")
    fitted = dict(block)
    if kind == "header" and isinstance(block.get("text"), dict):
        fitted["text"] = _fit_text(block["text"], HEADER_TEXT)
    elif kind == "section":
        if isinstance(block.get("text"), dict):
            fitted["text"] = _fit_text(block["text"], SECTION_TEXT)
        if isinstance(block.get("fields"), list):
            fitted["fields"] = [_fit_text(f, FIELD_TEXT) for f in block["fields"][:FIELDS]]
        if isinstance(block.get("accessory"), dict):
            fitted["accessory"] = _fit_element(block["accessory"])
    elif kind == "context" and isinstance(block.get("elements"), list):
        fitted["elements"] = [_fit_text(e, SECTION_TEXT) for e in block["elements"]]
        fitted["elements"] = fitted["elements"][:CONTEXT_ELEMENTS]
    elif kind == "actions" and isinstance(block.get("elements"), list):
        fitted["elements"] = [_fit_element(e) for e in block["elements"][:ACTION_ELEMENTS]]
    elif kind == "table" and isinstance(block.get("rows"), list):
        fitted["rows"] = _fit_rows(block["rows"])
    return fitted


def _fit_rows(rows: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """A table's rows within Slack's counts. The answers page their tables (bot.answers.tables)
    well inside these, so a cut here means a caller forgot to page; the last row says so."""
    fitted = [[_fit_text(c, TABLE_CELL_TEXT) for c in row[:TABLE_CELLS]] for row in rows]
    if len(fitted) > TABLE_ROWS:
        width = len(fitted[0])
        note = [{"type": "raw_text", "text": PARTIAL_NOTE}]
        note += [{"type": "raw_text", "text": "—"} for _ in range(width - 1)]
        fitted = fitted[: TABLE_ROWS - 1] + [note]
    return fitted


def _fit_element(element: dict[str, Any]) -> dict[str, Any]:
    if element.get("type") == "button" and isinstance(element.get("text"), dict):
        return {**element, "text": _fit_text(element["text"], BUTTON_TEXT)}
    return element
