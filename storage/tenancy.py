"""Tenancy: workspace keys, installs and uninstalls, and each workspace's administrators.

Every tenant-owned row carries a workspace key (storage.tenancy_models explains the keys). The
rules kept here:

- An install records the workspace and, when it has no administrator yet, makes the person who
  installed it its first one (audited). A reinstall clears the uninstall.
- An uninstall (Slack's ``app_uninstalled``, or ``tokens_revoked`` for the bot) stops every
  delivery of that workspace not yet sent: its rows become ``dead`` with the reason, so nothing
  is posted with a token that is gone. Subscriptions stay, so a reinstall carries on.
- Administrators are kept per workspace; SECBOT_ADMINS (the bootstrap) are administrators
  wherever their ids appear, and cannot be removed by a command.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.delivery_models import Delivery
from storage.models import AuditEntry, Contact, Subscription
from storage.tenancy_models import DEFAULT_WORKSPACE, Workspace, WorkspaceAdmin

UNSENT_STATES = ("pending", "sending")
UNINSTALLED_REASON = "workspace uninstalled: its tokens were removed"


def workspace_key(
    *, team_id: str | None, enterprise_id: str | None = None, is_enterprise_install: bool = False
) -> str:
    """The key of a Slack install: the enterprise id for an org-wide install, else the team id."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id
    return team_id or enterprise_id or DEFAULT_WORKSPACE


def audit(
    session: Session,
    *,
    workspace: str,
    actor: str,
    action: str,
    at: datetime,
    **detail: Any,
) -> None:
    """One audit row in the workspace's log."""
    session.add(AuditEntry(at=at, actor=actor, action=action, detail=detail, workspace=workspace))


def get_workspace(session: Session, *, key: str) -> Workspace | None:
    """The workspace with this key, installed or not."""
    return session.get(Workspace, key)


def list_workspaces(session: Session, *, active_only: bool = False) -> list[Workspace]:
    """Every workspace ever installed, by key."""
    stmt = select(Workspace).order_by(Workspace.key)
    if active_only:
        stmt = stmt.where(Workspace.uninstalled_at.is_(None))
    return list(session.scalars(stmt))


def record_install(
    session: Session,
    *,
    key: str,
    at: datetime,
    surface: str = "slack",
    team_id: str | None = None,
    enterprise_id: str | None = None,
    name: str | None = None,
    installed_by: str | None = None,
) -> Workspace:
    """Record an install (or reinstall); the installer becomes the first administrator.

    Saving a rotated token saves the install again: an active workspace is only refreshed.
    """
    row = session.get(Workspace, key)
    if row is None:
        row = Workspace(key=key, surface=surface, installed_at=at)
        session.add(row)
    elif row.active:
        row.team_id, row.enterprise_id, row.name = team_id, enterprise_id, name or row.name
        return row
    row.team_id, row.enterprise_id, row.name = team_id, enterprise_id, name
    row.installed_by, row.installed_at, row.uninstalled_at = installed_by, at, None
    session.flush()
    actor = installed_by or "slack"
    audit(session, workspace=key, actor=actor, action="install", at=at, name=name)
    if installed_by and not list_admins(session, workspace=key):
        add_admin(session, workspace=key, user_id=installed_by, actor="install", at=at)
    return row


def record_uninstall(session: Session, *, key: str, at: datetime, reason: str) -> int:
    """Mark the workspace uninstalled and stop its unsent deliveries; returns how many."""
    row = session.get(Workspace, key)
    if row is not None:
        row.uninstalled_at = at
    stmt = (
        update(Delivery)
        .where(Delivery.workspace == key, Delivery.state.in_(UNSENT_STATES))
        .values(state="dead", last_error=f"{UNINSTALLED_REASON} ({reason})", next_attempt_at=None)
    )
    stopped = int(getattr(session.execute(stmt), "rowcount", 0) or 0)
    audit(
        session,
        workspace=key,
        actor="slack",
        action="uninstall",
        at=at,
        reason=reason,
        deliveries_stopped=stopped,
    )
    return stopped


def list_admins(session: Session, *, workspace: str) -> list[WorkspaceAdmin]:
    """The workspace's stored administrators, oldest first."""
    stmt = (
        select(WorkspaceAdmin)
        .where(WorkspaceAdmin.workspace == workspace)
        .order_by(WorkspaceAdmin.added_at, WorkspaceAdmin.id)
    )
    return list(session.scalars(stmt))


def is_admin(
    session: Session, *, workspace: str, user_id: str | None, bootstrap: Collection[str] = ()
) -> bool:
    """True for a bootstrap administrator (SECBOT_ADMINS) or one stored for this workspace."""
    if not user_id:
        return False
    if user_id in bootstrap:
        return True
    stmt = select(WorkspaceAdmin.id).where(
        WorkspaceAdmin.workspace == workspace, WorkspaceAdmin.user_id == user_id
    )
    return session.scalar(stmt) is not None


def add_admin(session: Session, *, workspace: str, user_id: str, actor: str, at: datetime) -> bool:
    """Make someone an administrator of the workspace (audited); False if they already were."""
    if is_admin(session, workspace=workspace, user_id=user_id):
        return False
    session.add(WorkspaceAdmin(workspace=workspace, user_id=user_id, added_by=actor, added_at=at))
    session.flush()
    audit(session, workspace=workspace, actor=actor, action="admin-add", at=at, user_id=user_id)
    return True


def remove_admin(
    session: Session, *, workspace: str, user_id: str, actor: str, at: datetime
) -> bool:
    """Remove a stored administrator (audited); False if they were not one."""
    stmt = delete(WorkspaceAdmin).where(
        WorkspaceAdmin.workspace == workspace, WorkspaceAdmin.user_id == user_id
    )
    removed = bool(getattr(session.execute(stmt), "rowcount", 0))
    if removed:
        audit(
            session, workspace=workspace, actor=actor, action="admin-remove", at=at, user_id=user_id
        )
    return removed


def workspaces_of_recipients(
    session: Session, *, surface: str, recipients: Iterable[str]
) -> dict[str, str]:
    """recipient -> workspace, for deliveries planned without one.

    Slack channel and user ids, and Teams conversation and user ids, are unique across
    workspaces, so the subscription or contact link that names a recipient tells its workspace.
    Recipients nobody names (an administrators' channel set in the environment) are left out:
    they belong to the default workspace.
    """
    wanted = set(recipients)
    if not wanted:
        return {}
    found: dict[str, str] = {}
    subs = select(Subscription.channel, Subscription.workspace).where(
        Subscription.surface == surface, Subscription.channel.in_(wanted)
    )
    column = Contact.slack_user_id if surface == "slack" else Contact.teams_user_id
    contacts = select(column, Contact.workspace).where(column.in_(wanted))
    for stmt in (contacts, subs):  # a subscription's word wins over a contact link's
        for recipient, workspace in session.execute(stmt):
            found[str(recipient)] = str(workspace)
    return found
