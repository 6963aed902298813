"""The diff message of a paper sent in chat, fitted to Block Kit's limits.

The lines are escaped here, then packed into sections that stay under Slack's 3000 characters,
at most MAX_LINES of them; the rest are counted ("… and N more"). The template
``templates/slack/ingest_diff.json.j2`` lays them out with the Apply and Discard buttons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.escaping import escape_mrkdwn, truncate
from bot.slack.blocks import FALLBACK_TEXT, render_blocks
from storage.changes import Change, ChangeReport
from storage.ingest_models import APPLIED, PENDING, PendingIngest
from storage.pending_ingests import summary

MAX_LINES = 30
SECTION_BUDGET = 2800  # under Slack's 3000, leaving room for nothing to be cut
MAX_SECTIONS = 8
LINE_TEXT = 400
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]+$")
NOTHING_WRITTEN = "Nothing from this paper was written to the store"


@dataclass(frozen=True)
class DiffView:
    state: str
    file_name: str
    summary: str
    pending_id: int | None = None
    title: str | None = None
    document_date: date | None = None
    chunks_mrkdwn: list[str] = field(default_factory=list)
    hidden: int = 0
    requested_by_mrkdwn: str = ""
    decided_by_mrkdwn: str = ""
    decided_at: datetime | None = None


def who(user: str | None) -> str:
    """A Slack user as a mention, anything else escaped."""
    if user and _SLACK_USER.match(user):
        return f"<@{user}>"
    return escape_mrkdwn(user or "someone")


def change_line(change: Change) -> str:
    """One diff line in mrkdwn, escaped: `+` *MP159*: new modification ‘…’ _(paper.txt p1 l3)_."""
    what = escape_mrkdwn(truncate(change.what, LINE_TEXT))
    return (
        f"`{escape_mrkdwn(change.action)}` *{escape_mrkdwn(change.subject)}*: {what} "
        f"_({escape_mrkdwn(change.source)})_"
    )


def pack(lines: list[str], *, max_lines: int = MAX_LINES) -> tuple[list[str], int]:
    """Lines packed into section texts within the limits, and how many did not fit."""
    chunks: list[str] = []
    current = ""
    shown = 0
    for line in lines[:max_lines]:
        line = truncate(line, SECTION_BUDGET) or " "  # Slack refuses an empty section text
        if current and len(current) + 1 + len(line) > SECTION_BUDGET:
            if len(chunks) + 1 >= MAX_SECTIONS:
                break
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
        shown += 1
    if current:
        chunks.append(current)
    return chunks, len(lines) - shown


def diff_view(pending: PendingIngest, report: ChangeReport, title: str | None) -> DiffView:
    """A pending paper (or one just applied) with the lines of its report."""
    chunks, hidden = pack([change_line(c) for c in report.changes])
    applied = pending.state == APPLIED
    return DiffView(
        state=pending.state,
        file_name=pending.file_name,
        summary=(pending.outcome if applied and pending.outcome else summary(report)),
        pending_id=pending.id,
        title=title,
        document_date=report.document_date,
        chunks_mrkdwn=chunks,
        hidden=hidden,
        requested_by_mrkdwn=who(pending.requested_by),
        decided_by_mrkdwn=who(pending.decided_by),
        decided_at=pending.decided_at,
    )


def closed_view(pending: PendingIngest) -> DiffView:
    """A paper discarded or expired: no lines, just what became of it."""
    return DiffView(
        state=pending.state,
        file_name=pending.file_name,
        summary=NOTHING_WRITTEN,
        pending_id=pending.id,
        decided_by_mrkdwn=who(pending.decided_by),
        decided_at=pending.decided_at,
    )


def diff_payload(view: DiffView) -> dict[str, Any]:
    """``text`` and ``blocks`` for the diff message (fitted by render_blocks)."""
    verb = {PENDING: "would change", APPLIED: "changed"}.get(view.state, "changed nothing")
    text = f"{view.file_name} {verb}: {view.summary}"
    return {
        "text": truncate(escape_mrkdwn(text), FALLBACK_TEXT),
        "blocks": render_blocks("ingest_diff", d=view),
    }
