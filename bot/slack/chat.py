"""What every Slack listener shares: who is asking (a Context), asking the router, replying."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.commands import parse_command
from bot.router import Context
from bot.slack.blocks import message_payload
from bot.views import Answer
from sec.timefmt import today

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, something went wrong on my side answering that. It has been logged; please try "
    "again in a moment."
)


def is_direct_channel(channel_id: str | None) -> bool:
    """Slack direct-message channel ids start with D."""
    return bool(channel_id) and str(channel_id).startswith("D")


def context_for(
    services: Services, *, user: str | None, channel: str | None, is_direct: bool | None = None
) -> Context:
    """The Context for a Slack user in a channel; administrators come from SECBOT_ADMINS."""
    settings = services.settings
    return Context(
        as_of=today(settings.tz),
        user=user,
        channel=channel,
        surface="slack",
        is_admin=bool(user) and user in settings.admins,
        is_direct=is_direct_channel(channel) if is_direct is None else is_direct,
    )


def ask(services: Services, text: str, ctx: Context) -> tuple[Answer, bool]:
    """The router's answer, and whether the person asked for it to be posted publicly."""
    router = services.router
    command = parse_command(text, known=set(router.routes))
    return router.dispatch(command, ctx), command.public


def reply(services: Services, text: str, ctx: Context) -> tuple[dict[str, Any], bool]:
    """``text`` and ``blocks`` answering the text, and the public flag."""
    answer, public = ask(services, text, ctx)
    return message_payload(answer), public


def apologise(send: Callable[..., Any], what: str, **kwargs: Any) -> None:
    """Log the failure being handled (the log filter strips tokens) and say sorry, once."""
    log.exception("%s failed", what)
    try:
        send(text=APOLOGY, **kwargs)
    except Exception:
        log.exception("could not send the apology for %s", what)
