"""`secbot subscribe CHANNEL TOPIC` and `secbot unsubscribe CHANNEL TOPIC`.

CHANNEL is a Slack channel id (C…), or a user id (U…) for reminders by direct message; TOPIC is
all | meetings | deadlines | changes | <ref> | release <name>, as in chat.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.answers.subscriptions import Target, subscribe_to, unsubscribe_from
from bot.commands_cli._entry import cli_services
from bot.render import render_text
from bot.views import Answer
from sec.timefmt import now
from storage.db import transaction

Channel = Annotated[str, typer.Argument(help="channel id (C…), or user id (U…) for a DM")]
Topic = Annotated[
    list[str], typer.Argument(help="all | meetings | deadlines | changes | <ref> | release <name>")
]
Surface = Annotated[str, typer.Option(help="slack, teams or console")]


def _target(channel: str, surface: str) -> Target:
    person = surface == "slack" and channel[:1] in {"U", "W"}
    return Target(surface=surface, channel=channel, person=person, label=channel)


def _finish(answer: Answer) -> None:
    typer.echo(render_text(answer))
    raise typer.Exit(0 if answer.ok else 1)


def subscribe(channel: Channel, topic: Topic, surface: Surface = "slack") -> None:
    """Send reminders about TOPIC to CHANNEL (subscribing twice keeps one subscription)."""
    svc = cli_services()
    with transaction(svc.sessions) as session:
        answer = subscribe_to(
            session, _target(channel, surface), " ".join(topic), actor="cli", at=now()
        )
    _finish(answer)


def unsubscribe(channel: Channel, topic: Topic, surface: Surface = "slack") -> None:
    """Stop reminders about TOPIC to CHANNEL."""
    svc = cli_services()
    with transaction(svc.sessions) as session:
        answer = unsubscribe_from(session, _target(channel, surface), " ".join(topic))
    _finish(answer)


def register(app: typer.Typer) -> None:
    app.command()(subscribe)
    app.command()(unsubscribe)
