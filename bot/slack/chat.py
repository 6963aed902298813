"""What every Slack listener shares: who is asking (a Context), asking the router, replying."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from bot.answers.ingest import INGEST_LINK
from bot.context import Context, make_context
from bot.router import Reply
from bot.slack.blocks import message_payload
from bot.views import message

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

INGEST_BY_COMMAND = (
    "To read a paper, type `/sec ingest <link>`, or send me the file in a direct message: "
    "you get the changes it would make with Apply and Discard buttons."
)
APOLOGY = (
    "Sorry, something went wrong on my side answering that. It has been logged; please try "
    "again in a moment."
)


def is_direct_channel(channel_id: str | None) -> bool:
    """Slack direct-message channel ids start with D."""
    return bool(channel_id) and str(channel_id).startswith("D")


def workspace_of(context: Mapping[str, Any] | None) -> str | None:
    """The workspace a request came from: its team id, or for an org-wide (Enterprise Grid)
    install with no team, the enterprise id. Takes Bolt's context (a dict) or a request body."""
    if not context:
        return None
    org_wide = str(context.get("is_enterprise_install")).lower() == "true"
    if org_wide and context.get("enterprise_id"):  # an org-wide install is one workspace
        return str(context["enterprise_id"])
    found = context.get("team_id") or context.get("enterprise_id")
    return str(found) if found else None


def context_for(
    services: Services,
    *,
    user: str | None,
    channel: str | None,
    workspace: str | None = None,
    is_direct: bool | None = None,
    thread_ts: str | None = None,
) -> Context:
    """The Context for a Slack user in a channel (a DM unless told otherwise by the channel)."""
    return make_context(
        services,
        surface="slack",
        user=user,
        channel=channel,
        workspace=workspace,
        is_direct=is_direct_channel(channel) if is_direct is None else is_direct,
        thread_ts=thread_ts,
    )


def ask(services: Services, text: str, ctx: Context) -> Reply:
    """The router's reply: the command the text was read as, and its answer."""
    return services.router.handle(text, ctx)


def reply(services: Services, text: str, ctx: Context) -> tuple[dict[str, Any], bool]:
    """``text`` and ``blocks`` answering the text, and the public flag."""
    answered = ask(services, text, ctx)
    if answered.answer.ok and answered.answer.meta.get(INGEST_LINK):
        # Papers are read for `/sec ingest` (its ephemeral reply carries the buttons) or sent
        # as a file; a message or mention naming a link is told so, and nothing is fetched.
        return message_payload(message(INGEST_BY_COMMAND, ok=True)), False
    return message_payload(answered.answer), answered.public


def apologise(send: Callable[..., Any], what: str, **kwargs: Any) -> None:
    """Log the failure being handled (the log filter strips tokens) and say sorry, once."""
    log.exception("%s failed", what)
    try:
        send(text=APOLOGY, **kwargs)
    except Exception:
        log.exception("could not send the apology for %s", what)
