"""The floor: a bare Bolt app on secbot's own server stack whose /sec only acks a constant text.

Same stack as ``secbot serve``: uvicorn, Starlette, the Bolt request adapter and dispatch in a
worker thread (``bot.web``'s own route builder), the body-size middleware, and Bolt's signature
verification with the same signing secret, token check and client. Only the listeners differ:
no database, no router, no lazy answer.
"""

from __future__ import annotations

from slack_bolt import Ack, App
from starlette.applications import Starlette
from starlette.middleware import Middleware

from bot.settings import Settings
from bot.slack.app import build_client
from bot.web import BodySizeLimit, _slack_routes

FLOOR_TEXT = "secbot floor: acknowledged."


def create_floor_app(settings: Settings) -> Starlette:
    """The floor's ASGI app, configured from the same settings as the real one."""
    assert settings.slack.signing_secret is not None and settings.slack.bot_token is not None
    token = settings.slack.bot_token.get_secret_value()
    secret = settings.slack.signing_secret.get_secret_value()
    app = App(
        name="secbot-floor",
        signing_secret=secret,
        client=build_client(settings, token),
        process_before_response=False,
    )

    def acknowledge(ack: Ack) -> None:
        ack(FLOOR_TEXT)

    app.command("/sec")(acknowledge)
    # bot.web's own route builder, so the request path is the real one line for line.
    return Starlette(routes=_slack_routes(app, secret), middleware=[Middleware(BodySizeLimit)])
