"""The diff of a pending ingest (a paper sent in chat, or a site page kept for review) as the
view the ``ingest_diff`` templates lay out, fitted to Block Kit's limits.

The lines are escaped here, then packed into sections that stay under Slack's 3000 characters,
at most MAX_LINES of them; the rest are counted ("… and N more"). It lives in jobs/ because the
sync job posts the same message as the chat does (bot.slack.ingest_view renders it for replies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sec.markup import escape_mrkdwn, truncate
from storage.changes import Change, ChangeReport
from storage.ingest_models import APPLIED, PENDING, PendingIngest
from storage.pending_ingests import summary

MAX_LINES = 30
SECTION_BUDGET = 2800  # under Slack's 3000, leaving room for nothing to be cut
MAX_SECTIONS = 8
LINE_TEXT = 400
TEXT_LIMIT = 3000  # Slack's notification text, as bot.slack.blocks.FALLBACK_TEXT
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
    # "paper" (sent in chat) or "page" (a site page the sync kept for review): the wording.
    source_kind: str = "paper"
    source_url: str | None = None


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


def _source(pending: PendingIngest) -> tuple[str, str | None]:
    """A page the sync kept (requested by the sync, its source a web address) or a paper."""
    if pending.requested_by == SYNC_ACTOR and pending.source.startswith(("https://", "http://")):
        return "page", pending.source
    return "paper", None


SYNC_ACTOR = "secbot sync"  # as jobs.sync.apply.ACTOR


def diff_view(pending: PendingIngest, report: ChangeReport, title: str | None) -> DiffView:
    """A pending change set (or one just applied) with the lines of its report."""
    chunks, hidden = pack([change_line(c) for c in report.changes])
    applied = pending.state == APPLIED
    kind, url = _source(pending)
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
        source_kind=kind,
        source_url=url,
    )


def closed_view(pending: PendingIngest) -> DiffView:
    """A change set discarded or expired: no lines, just what became of it."""
    kind, url = _source(pending)
    return DiffView(
        state=pending.state,
        file_name=pending.file_name,
        summary=NOTHING_WRITTEN.replace("paper", kind),
        pending_id=pending.id,
        decided_by_mrkdwn=who(pending.decided_by),
        decided_at=pending.decided_at,
        source_kind=kind,
        source_url=url,
    )


def diff_text(view: DiffView) -> str:
    """The notification text, escaped: "csc.txt would change: 3 additions, …"."""
    verb = {PENDING: "would change", APPLIED: "changed"}.get(view.state, "changed nothing")
    return truncate(escape_mrkdwn(f"{view.file_name} {verb}: {view.summary}"), TEXT_LIMIT)
