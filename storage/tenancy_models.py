"""Workspaces and their administrators: what makes one install of secbot many tenants.

A *workspace key* names the tenant every subscription, contact link, delivery, ingest offer,
added decision and audit row belongs to: the Slack team id (``T…``), or the enterprise id
(``E…``) for an org-wide install; the Teams tenant id; or ``"default"`` for the one workspace of
a single-token install (SLACK_BOT_TOKEN), the console and the command line. Rows written before
tenancy existed belong to ``"default"``.

The bot tokens themselves stay in slack_sdk's installation tables (``slack_installations``,
``slack_bots``); ``Workspace`` is our view of an install: when it came and when it went.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UtcDateTime

DEFAULT_WORKSPACE = "default"
WORKSPACE_KEY_LENGTH = 64


def workspace_column() -> Mapped[str]:
    """The workspace key column every tenant-owned table carries (indexed, "default" if unset)."""
    return mapped_column(
        String(WORKSPACE_KEY_LENGTH),
        default=DEFAULT_WORKSPACE,
        server_default=DEFAULT_WORKSPACE,
        index=True,
    )


class Workspace(Base):
    """One install: a Slack workspace (or Enterprise org), or a Teams tenant."""

    __tablename__ = "workspaces"

    key: Mapped[str] = mapped_column(String(WORKSPACE_KEY_LENGTH), primary_key=True)
    surface: Mapped[str] = mapped_column(String(10), default="slack")  # slack | teams
    name: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[str | None] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    installed_by: Mapped[str | None] = mapped_column(String(100))
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Set by app_uninstalled / tokens_revoked; cleared by a new install.
    uninstalled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def active(self) -> bool:
        return self.uninstalled_at is None


class WorkspaceAdmin(Base):
    """A person who may use administrator commands in one workspace."""

    __tablename__ = "workspace_admins"
    __table_args__ = (UniqueConstraint("workspace", "user_id", name="uq_workspace_admins_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace: Mapped[str] = mapped_column(String(WORKSPACE_KEY_LENGTH))
    # A Slack user id, a Teams AAD object id, or "console".
    user_id: Mapped[str] = mapped_column(String(100))
    added_by: Mapped[str | None] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())
