"""Who administers secbot in this workspace: `admins`, `admin add <@user>`, `admin remove <@user>`.

Administrators are kept per workspace (storage.tenancy); SECBOT_ADMINS names the bootstrap ones,
who are administrators wherever their ids appear and are changed only in the configuration. The
person who installs the app in a workspace becomes its first administrator. Adding and removing
are audited in the workspace's log. No one removes themselves (ask another administrator), so a
workspace is not left without one by a slip.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers.admin import capped
from bot.views import Answer, message
from sec.timefmt import LONDON, now, uk_date
from storage import tenancy
from storage.tenancy_models import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from bot.router import Context, Router

ADMIN = "admin add <@user> | admin remove <@user>"
# A Slack mention as Slack sends it ("<@U123|jane>"), a Slack user id, or a Teams Entra id.
_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]{2,30})(?:\|[^>]{0,100})?>")
_SLACK_ID = re.compile(r"@?(?P<id>[UW][A-Z0-9]{2,30})")
_ENTRA_ID = re.compile(r"(?P<id>[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})")


def parse_person(text: str) -> str | None:
    """The one person named: a Slack mention or user id, or a Teams (Entra) object id."""
    text = text.strip()
    for pattern in (_MENTION, _SLACK_ID, _ENTRA_ID):
        found = pattern.fullmatch(text)
        if found is not None:
            return found.group("id").lstrip("@")
    return None


def _workspace(ctx: Context) -> str:
    return ctx.workspace or DEFAULT_WORKSPACE


def admins(session: Session, args: str, ctx: Context) -> Answer:
    """The workspace's administrators kept in the store, with when and by whom they were added."""
    rows = tenancy.list_admins(session, workspace=_workspace(ctx))
    if not rows:
        return message(
            "No administrators are kept for this workspace; those named in SECBOT_ADMINS (set "
            "by whoever runs secbot) administer it.",
            ok=True,
        )
    lines = [
        f"• {row.user_id}, since {uk_date(row.added_at.astimezone(LONDON).date())}"
        + (f" (added by {row.added_by})" if row.added_by else "")
        for row in rows
    ]
    heading = "Administrators of secbot here (besides any named in SECBOT_ADMINS):"
    return message("\n".join([heading, *lines]), ok=True)


def admin(session: Session, args: str, ctx: Context) -> Answer:
    """admin add <@user> | admin remove <@user>."""
    verb, _, rest = args.strip().partition(" ")
    person = parse_person(rest) if len(rest) <= 200 else None
    if verb.lower() not in {"add", "remove"} or person is None:
        return message(f"Usage: `{ADMIN}`", "admin add @jane", "admins", kind="usage")
    workspace, actor, at = _workspace(ctx), ctx.user or "unknown", now()
    if verb.lower() == "add":
        if not tenancy.add_admin(session, workspace=workspace, user_id=person, actor=actor, at=at):
            return message(f"{person} is already an administrator here.", "admins", ok=True)
        return message(f"Done: {person} is now an administrator of secbot here.", "admins", ok=True)
    if person == ctx.user:
        return message(
            "You can't remove yourself; ask another administrator.", "admins", kind="refusal"
        )
    if not tenancy.remove_admin(session, workspace=workspace, user_id=person, actor=actor, at=at):
        return message(
            f"{person} is not an administrator kept here (those named in SECBOT_ADMINS are "
            "changed in secbot's configuration).",
            "admins",
            kind="not_found",
        )
    return message(f"Done: {person} is no longer an administrator here.", "admins", ok=True)


def register(router: Router) -> None:
    router.register(
        "admins", admins, usage="admins", description="who administers secbot in this workspace"
    )
    router.register(
        "admin",
        capped(admin),
        usage=ADMIN,
        description="add or remove an administrator",
        admin=True,
    )
