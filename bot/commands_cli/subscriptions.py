"""`secbot subscribe CHANNEL TOPIC` and `secbot unsubscribe CHANNEL TOPIC`.

CHANNEL is a Slack channel id (C…), or a user id (U…) for reminders by direct message; TOPIC is
all | meetings | deadlines | changes | <ref> | release <name>, as in chat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bot.commands_cli._entry import cli_services
from sec.timefmt import now

if TYPE_CHECKING:
    from bot.answers.subscriptions import Target
    from bot.views import Answer

Channel = Annotated[str, typer.Argument(help="channel id (C…), or user id (U…) for a DM")]
Topic = Annotated[
    list[str], typer.Argument(help="all | meetings | deadlines | changes | <ref> | release <name>")
]
Surface = Annotated[str, typer.Option(help="slack, teams or console")]


def _target(channel: str, surface: str) -> Target:
    from bot.answers.subscriptions import Target

    person = surface == "slack" and channel[:1] in {"U", "W"}
    return Target(surface=surface, channel=channel, person=person, label=channel)


def _finish(answer: Answer) -> None:
    from bot.render import render_text

    typer.echo(render_text(answer))
    raise typer.Exit(0 if answer.ok else 1)


def subscribe(channel: Channel, topic: Topic, surface: Surface = "slack") -> None:
    """Send reminders about TOPIC to CHANNEL (subscribing twice keeps one subscription)."""
    from bot.answers.subscriptions import subscribe_to
    from storage.db import transaction

    svc = cli_services()
    with transaction(svc.sessions) as session:
        answer = subscribe_to(
            session, _target(channel, surface), " ".join(topic), actor="cli", at=now()
        )
    _finish(answer)


def unsubscribe(channel: Channel, topic: Topic, surface: Surface = "slack") -> None:
    """Stop reminders about TOPIC to CHANNEL."""
    from bot.answers.subscriptions import unsubscribe_from
    from storage.db import transaction

    svc = cli_services()
    with transaction(svc.sessions) as session:
        answer = unsubscribe_from(session, _target(channel, surface), " ".join(topic))
    _finish(answer)


def register(app: typer.Typer) -> None:
    app.command()(subscribe)
    app.command()(unsubscribe)
