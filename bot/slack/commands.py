"""/sec: acknowledged at once, answered lazily through the response_url.

Slack wants a slash command acknowledged within 3 seconds; the acknowledgement is empty and the
answer follows from a lazy listener (Bolt runs it in a thread after the ack). Answers are
ephemeral unless the command ends with "public". Every command goes through the router,
`/sec ingest <link>` too: when the router accepts one (an administrator, a link), the paper is
fetched and read on the ingest pool (bot.slack.ingest.offer_link), not on the answers pool.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.answers.ingest import INGEST_LINK
from bot.slack.blocks import message_payload
from bot.slack.chat import apologise, ask, context_for, workspace_of
from bot.slack.ingest import Ingester, offer_link

if TYPE_CHECKING:
    from bot.services import Services

COMMAND = "/sec"


def _ingest_pool(app: App) -> Executor | None:
    """The ingest pool of bot.slack.pools, when the app runs lazy listeners on it."""
    pools = getattr(app.listener_runner.lazy_listener_runner, "pools", None)
    return getattr(pools, "ingest", None)


def register(app: App, services: Services) -> None:
    ingester = Ingester(services)
    pool = _ingest_pool(app)

    def acknowledge(ack: Ack) -> None:
        ack()

    def answer(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        try:
            ctx = context_for(
                services,
                user=body.get("user_id"),
                channel=body.get("channel_id"),
                workspace=workspace_of(body),
            )
            replied = ask(services, str(body.get("text") or ""), ctx)
            link = replied.answer.meta.get(INGEST_LINK) if replied.answer.ok else None
            if link:
                offer_link(ingester, pool, str(link), ctx=ctx, respond=respond, client=client)
                return
            kind = "in_channel" if replied.public else "ephemeral"
            respond(**message_payload(replied.answer), response_type=kind)
        except Exception:
            apologise(respond, "the /sec command", response_type="ephemeral")

    app.command(COMMAND)(ack=acknowledge, lazy=[answer])
