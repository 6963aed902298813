"""Which workspace a request belongs to, and whether its asker administers that workspace.

The workspace key (storage.tenancy_models) of a request:

- Slack with OAuth (SLACK_CLIENT_ID/SECRET): the team id the request came from, or the
  enterprise id for an org-wide install. Each installed workspace is its own tenant.
- Slack with one bot token (SLACK_BOT_TOKEN only): ``"default"``. There is one workspace, so the
  rows written before tenancy existed, the console's and the command line's are all its own.
- Teams: the tenant id of the activity (``"default"`` when it carries none).
- The console and `secbot ask`: ``"default"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage import tenancy
from storage.tenancy_models import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from bot.context import Asker
    from bot.services import Services
    from bot.settings import Settings


def is_multi_workspace(settings: Settings) -> bool:
    """OAuth installs (many workspaces) rather than one bot token."""
    return bool(settings.slack.client_id and settings.slack.client_secret)


def tenant_key(settings: Settings, *, surface: str, workspace: str | None) -> str:
    """The workspace key a request's rows are kept under (see the module docstring)."""
    if not workspace:
        return DEFAULT_WORKSPACE
    if surface == "slack" and not is_multi_workspace(settings):
        return DEFAULT_WORKSPACE
    if surface in ("slack", "teams"):
        return workspace
    return DEFAULT_WORKSPACE


def stored_admin(services: Services, asker: Asker) -> bool:
    """An administrator kept in the store for the asker's workspace (``admin add``)."""
    if not asker.user:
        return False
    key = asker.workspace or DEFAULT_WORKSPACE
    with services.sessions() as session:
        return tenancy.is_admin(session, workspace=key, user_id=asker.user)
