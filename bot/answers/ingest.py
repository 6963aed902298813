"""`ingest` outside Slack: say how papers get in (Slack handles `/sec ingest` itself)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.views import Answer, message

if TYPE_CHECKING:
    from bot.router import Context, Router


def ingest(session: Session, args: str, ctx: Context) -> Answer:
    """Papers are read from a file: shared with secbot in Slack, or on the server's command line."""
    return message(
        "To add a paper, share the file with secbot in a Slack DM (or type `/sec ingest <link>` "
        "in Slack): you get the changes it would make with Apply and Discard buttons. On the "
        "server, `secbot ingest PATH` shows the same and `--apply` writes it.",
        ok=True,
    )


def register(router: Router) -> None:
    router.register(
        "ingest",
        ingest,
        usage="ingest <link>",
        description="read a SECAS paper and review what it would change",
        admin=True,
    )
