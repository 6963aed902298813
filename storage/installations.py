"""Slack bot tokens per workspace, in slack_sdk's SQLAlchemy installation store on our database.

``TenantInstallationStore`` is slack_sdk's store that also records each install in our
``workspaces`` table (storage.tenancy), so the installer becomes the workspace's first
administrator and the install is audited. ``bot_for`` finds a workspace's current bot token,
rotating it first when Slack's token rotation is on and it expires within the hour.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sec.timefmt import now
from storage.db import transaction
from storage.tenancy import get_workspace, record_install, workspace_key

log = logging.getLogger(__name__)

ROTATE_MINUTES_BEFORE = 60


class TenantInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store; each saved install is also recorded as a workspace of ours."""

    def __init__(self, *, client_id: str, engine: Engine, sessions: sessionmaker[Session]) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.sessions = sessions

    def save(self, installation: Installation) -> None:
        super().save(installation)
        key = workspace_key(
            team_id=installation.team_id,
            enterprise_id=installation.enterprise_id,
            is_enterprise_install=bool(installation.is_enterprise_install),
        )
        with transaction(self.sessions) as session:
            record_install(
                session,
                key=key,
                at=now(),
                team_id=installation.team_id,
                enterprise_id=installation.enterprise_id,
                name=installation.enterprise_name
                if installation.is_enterprise_install
                else installation.team_name,
                installed_by=installation.user_id,
            )


def installation_store(
    *, client_id: str, engine: Engine, sessions: sessionmaker[Session]
) -> TenantInstallationStore:
    """The store, its tables created if missing (they are slack_sdk's, not our migrations')."""
    store = TenantInstallationStore(client_id=client_id, engine=engine, sessions=sessions)
    store.create_tables()
    return store


def _ids(session: Session, key: str) -> tuple[str | None, str | None, bool] | None:
    """(enterprise id, team id, org-wide) of a workspace we know; None for an unknown one."""
    row = get_workspace(session, key=key)
    if row is None or not row.active:
        return None
    org_wide = row.enterprise_id == key and not row.team_id
    return row.enterprise_id, None if org_wide else row.team_id, org_wide


def bot_for(
    store: SQLAlchemyInstallationStore,
    sessions: sessionmaker[Session],
    key: str,
    *,
    rotator: TokenRotator | None = None,
) -> Bot | None:
    """The workspace's bot (its token current, rotated if need be); None when not installed."""
    with sessions() as session:
        ids = _ids(session, key)
    if ids is None:
        return None
    enterprise_id, team_id, org_wide = ids
    bot = store.find_bot(
        enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=org_wide
    )
    if bot is None or rotator is None:
        return bot
    rotated = rotator.perform_bot_token_rotation(
        bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE
    )
    if rotated is None:
        return bot
    store.save_bot(rotated)
    log.info("rotated the bot token of workspace %s", key)
    return rotated


def remove_tokens(
    store: SQLAlchemyInstallationStore, *, enterprise_id: str | None, team_id: str | None
) -> None:
    """Forget every token of a workspace (its installs and its bot)."""
    store.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
    store.delete_installation(enterprise_id=enterprise_id, team_id=team_id)


def token_rotator(
    *, client_id: str, client_secret: str, base_url: str | None, **client_args: Any
) -> TokenRotator:
    """Slack's token rotation, reaching the configured API (GovSlack, a test server)."""
    client = WebClient(base_url=base_url, **client_args) if base_url else WebClient(**client_args)
    return TokenRotator(client_id=client_id, client_secret=client_secret, client=client)
