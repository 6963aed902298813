"""The diff message of a paper sent in chat (or a site page kept for review), as Slack blocks.

The view (escaped lines packed to Block Kit's limits) is built by ``jobs.ingest_diff``, which the
sync job shares; the template ``templates/slack/ingest_diff.json.j2`` lays it out with the Apply
and Discard buttons.
"""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import render_blocks
from jobs.ingest_diff import (
    LINE_TEXT,
    MAX_LINES,
    MAX_SECTIONS,
    NOTHING_WRITTEN,
    SECTION_BUDGET,
    DiffView,
    change_line,
    closed_view,
    diff_text,
    diff_view,
    pack,
    who,
)

__all__ = [
    "LINE_TEXT",
    "MAX_LINES",
    "MAX_SECTIONS",
    "NOTHING_WRITTEN",
    "SECTION_BUDGET",
    "DiffView",
    "change_line",
    "closed_view",
    "diff_payload",
    "diff_text",
    "diff_view",
    "pack",
    "who",
]


def diff_payload(view: DiffView) -> dict[str, Any]:
    """``text`` and ``blocks`` for the diff message (fitted by render_blocks)."""
    return {"text": diff_text(view), "blocks": render_blocks("ingest_diff", d=view)}
