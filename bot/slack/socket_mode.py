"""Socket Mode: Slack delivers events over a WebSocket the app opens (SLACK_APP_TOKEN, xapp-),
so no public URL is needed. Uses slack_sdk's built-in client: no extra packages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.slack.app import SlackNotConfigured, create_slack_app

if TYPE_CHECKING:
    from bot.services import Services


def socket_mode_handler(services: Services) -> SocketModeHandler:
    """The handler for our Bolt app; call connect() (background) or start() (blocks)."""
    token = services.settings.slack.app_token
    if token is None:
        raise SlackNotConfigured("SLACK_APP_TOKEN is not set (Socket Mode needs an xapp- token)")
    app = create_slack_app(services, socket_mode=True)
    return SocketModeHandler(app, app_token=token.get_secret_value())
