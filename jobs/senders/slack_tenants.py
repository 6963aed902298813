"""Sending each delivery with its own workspace's Slack token.

A delivery carries its workspace key (storage.tenancy_models). The default workspace sends with
SLACK_BOT_TOKEN; any other workspace with the bot token its install left in the installation
store, looked up for every row so that a rotated token is used at once and an uninstalled
workspace is never posted to (its row goes dead, saying why). One ``SlackSender`` is kept per
token, made by the worker's factory (which shares one pacer and one thread book among them:
Slack channel ids are unique across workspaces).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jobs.context import SendResult
from jobs.senders.slack import SlackSender
from storage.db import session_factory
from storage.installations import bot_for, installation_store, token_rotator
from storage.outbox import ClaimedDelivery
from storage.tenancy_models import DEFAULT_WORKSPACE

log = logging.getLogger(__name__)

TokenSource = Callable[[str], str | None]


def store_tokens(
    store: SQLAlchemyInstallationStore,
    sessions: sessionmaker[Session],
    rotator: TokenRotator | None = None,
) -> TokenSource:
    """Workspace key -> its current bot token from the installation store (None: not installed)."""

    def token(workspace: str) -> str | None:
        bot = bot_for(store, sessions, workspace, rotator=rotator)
        return bot.bot_token if bot is not None else None

    return token


class TenantSlackSender:
    """The Slack sender of a multi-workspace install: picks the token by the row's workspace."""

    surface = "slack"

    def __init__(
        self,
        *,
        tokens: TokenSource,
        make_sender: Callable[[str], SlackSender],
        default_token: str | None = None,
        pace: float = 1.0,
    ) -> None:
        self.tokens, self.default_token, self._pace = tokens, default_token, pace
        self._make_sender = make_sender
        self._senders: dict[str, SlackSender] = {}
        self._lock = threading.Lock()

    @property
    def pace(self) -> float:
        """Seconds between two messages to one channel; the dispatcher schedules by it."""
        return self._pace

    def _token(self, workspace: str) -> str | None:
        if workspace == DEFAULT_WORKSPACE:
            return self.default_token
        return self.tokens(workspace)

    def sender_for(self, workspace: str) -> SlackSender | None:
        """The sender holding the workspace's current token; None when it has none."""
        token = self._token(workspace)
        if not token:
            return None
        with self._lock:
            sender = self._senders.get(token)
            if sender is None:
                sender = self._make_sender(token)
                self._senders[token] = sender
            return sender

    def send(self, delivery: ClaimedDelivery, *, late: bool, too_old: bool) -> SendResult:
        sender = self.sender_for(delivery.workspace)
        if sender is None:
            why = (
                "no SLACK_BOT_TOKEN for the default workspace"
                if delivery.workspace == DEFAULT_WORKSPACE
                else f"workspace {delivery.workspace} is not installed (no bot token)"
            )
            return SendResult("dead", error=why)
        return sender.send(delivery, late=late, too_old=too_old)


def multi_workspace_sender(
    engine: Engine,
    *,
    client_id: str,
    client_secret: str,
    base_url: str | None,
    default_token: str | None,
    make_sender: Callable[[str], SlackSender],
    pace: float,
) -> TenantSlackSender:
    """The sender of an OAuth install: tokens from the installation store, rotated on the way."""
    sessions = session_factory(engine)
    store = installation_store(client_id=client_id, engine=engine, sessions=sessions)
    rotator = token_rotator(client_id=client_id, client_secret=client_secret, base_url=base_url)
    return TenantSlackSender(
        tokens=store_tokens(store, sessions, rotator),
        make_sender=make_sender,
        default_token=default_token,
        pace=pace,
    )
