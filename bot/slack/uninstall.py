"""Uninstalls: `app_uninstalled`, and `tokens_revoked` for the bot, end a workspace's tenancy.

The workspace's deliveries not yet sent become ``dead`` with the reason (nothing more is posted
with a token that is gone), its tokens leave the installation store, and the uninstall is
audited. Its subscriptions and administrators stay, so a reinstall carries on where it stopped.
A revoked user token (secbot asks for none) only removes that person's installation rows.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext

from bot.tenancy import is_multi_workspace, tenant_key
from sec.timefmt import now
from storage.db import transaction
from storage.installations import remove_tokens
from storage.tenancy import record_uninstall, workspace_key

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


def _key(services: Services, context: BoltContext) -> str:
    """The workspace key of the request (the default workspace for a single-token install)."""
    raw = workspace_key(
        team_id=context.team_id,
        enterprise_id=context.enterprise_id,
        is_enterprise_install=bool(context.is_enterprise_install),
    )
    return tenant_key(services.settings, surface="slack", workspace=raw)


def end_tenancy(services: Services, context: BoltContext, reason: str) -> int:
    """Stop the workspace's deliveries and forget its tokens; returns the deliveries stopped."""
    key = _key(services, context)
    if is_multi_workspace(services.settings):
        from bot.slack.oauth import store_for

        team_id = None if context.is_enterprise_install else context.team_id
        remove_tokens(store_for(services), enterprise_id=context.enterprise_id, team_id=team_id)
    with transaction(services.sessions) as session:  # last: its audit row says it is done
        stopped = record_uninstall(session, key=key, at=now(), reason=reason)
    log.info("workspace %s: %s; %d deliveries stopped, tokens removed", key, reason, stopped)
    return stopped


def register(app: App, services: Services) -> None:
    # Bolt acknowledges events itself, before the listener runs.
    def uninstalled(context: BoltContext) -> None:
        end_tenancy(services, context, "app_uninstalled")

    def revoked(event: dict[str, Any], context: BoltContext) -> None:
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            end_tenancy(services, context, "tokens_revoked")
        elif tokens.get("oauth") and is_multi_workspace(services.settings):
            from bot.slack.oauth import store_for

            store = store_for(services)
            for user_id in tokens["oauth"]:
                store.delete_installation(
                    enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
                )

    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(revoked)
