"""`ingest <link>`: an administrator asks secbot to read a paper and show what it would change.

The router checks that the asker is an administrator (the route is ``admin=True``) and reads
the link; the answer carries it in ``meta[INGEST_LINK]``. In Slack the `/sec` listener then
hands the fetching and reading to the ingest pool (bot.slack.ingest: bounded download, a child
process with a deadline and a memory ceiling, off the request path) and answers with the diff
and its Apply and Discard buttons. Elsewhere the answer says how papers get in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.views import Answer, MessageView, message

if TYPE_CHECKING:
    from bot.router import Context, Router

INGEST_LINK = "ingest_link"
MAX_LINK = 2000  # longer is no address of a paper
USAGE = (
    "Usage: `/sec ingest <link>`, the link to a Slack file or to a paper or page on "
    "https://smartenergycodecompany.co.uk/. Or send me the file in a direct message."
)
ELSEWHERE = (
    "To add a paper, share the file with secbot in a Slack DM (or type `/sec ingest <link>` "
    "in Slack): you get the changes it would make with Apply and Discard buttons. On the "
    "server, `secbot ingest PATH` shows the same and `--apply` writes it."
)


def link_of(args: str) -> str:
    """The first word of the argument, unwrapped from Slack's ``<url|label>``."""
    words = args.split()
    return words[0].strip("<>").split("|", 1)[0] if words else ""


def ingest(session: Session, args: str, ctx: Context) -> Answer:
    """Read the link (Slack), or say how papers get in (elsewhere)."""
    if ctx.surface != "slack":
        return message(ELSEWHERE, ok=True)
    link = link_of(args)
    if not link or len(link) > MAX_LINK:
        return message(USAGE, kind="usage")
    reading = MessageView(text=f"Reading {link} …", suggestions=[])
    return Answer(kind="message", model=reading, ok=True, meta={INGEST_LINK: link})


def register(router: Router) -> None:
    router.register(
        "ingest",
        ingest,
        usage="ingest <link>",
        description="read a SECAS paper and review what it would change",
        admin=True,
    )
