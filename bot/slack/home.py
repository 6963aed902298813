"""App Home: publish the person's home view (built by bot.answers.home) when they open the tab."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.answers.home import home_for
from bot.slack.blocks import VIEW_BLOCKS, home_view, render_blocks
from bot.slack.chat import context_for, workspace_of

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


def home_payload(services: Services, user_id: str, workspace: str | None = None) -> dict[str, Any]:
    """The home view for a person, fitted to Slack's limits."""
    ctx = context_for(services, user=user_id, channel=None, workspace=workspace, is_direct=True)
    model = home_for(services.sessions, ctx)
    return home_view(render_blocks("home", max_blocks=VIEW_BLOCKS, m=model))


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def publish(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        try:
            view = home_payload(services, event["user"], workspace_of(context))
            client.views_publish(user_id=event["user"], view=view)
        except Exception:  # the tab keeps its previous content; nothing to reply to
            log.exception("publishing the home tab failed")

    app.event("app_home_opened")(ack=acknowledge, lazy=[publish])
