"""Query functions for Teams conversation references (install, removal, proactive targets)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.teams_models import CONVERSATION_TYPES, TeamsConversation


@dataclass(frozen=True)
class ConversationRef:
    """What Teams tells us about a conversation, enough to post into it later."""

    conversation_id: str
    service_url: str
    conversation_type: str = "personal"
    tenant_id: str | None = None
    bot_id: str | None = None
    user_aad_id: str | None = None
    name: str | None = None


def save_conversation(session: Session, *, ref: ConversationRef, at: datetime) -> TeamsConversation:
    """Create or refresh a conversation reference; a removed one becomes installed again at ``at``.

    One statement (insert ... on conflict update) so two activities arriving together for a new
    conversation cannot both try to insert it.
    """
    if ref.conversation_type not in CONVERSATION_TYPES:
        raise ValueError(f"unknown conversation type {ref.conversation_type!r}")
    values: dict[str, Any] = {**asdict(ref), "installed_at": at, "removed_at": None}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(TeamsConversation).values(**values)
    table = TeamsConversation.__table__.c
    refreshed: dict[str, Any] = {
        "service_url": stmt.excluded.service_url,
        "conversation_type": stmt.excluded.conversation_type,
    }
    # Keep what we knew when an activity leaves a field out (a message carries no team name).
    for key in ("tenant_id", "bot_id", "user_aad_id", "name"):
        refreshed[key] = func.coalesce(stmt.excluded[key], table[key])
    refreshed["installed_at"] = case(
        (table.removed_at.is_(None), table.installed_at), else_=stmt.excluded.installed_at
    )
    refreshed["removed_at"] = None
    session.execute(stmt.on_conflict_do_update(index_elements=["conversation_id"], set_=refreshed))
    row = get_conversation(session, conversation_id=ref.conversation_id)
    assert row is not None  # inserted or updated just now
    session.refresh(row)
    return row


def mark_removed(session: Session, *, conversation_id: str, at: datetime) -> bool:
    """Record that the bot was removed from a conversation; False when it was not known."""
    stmt = (
        update(TeamsConversation)
        .where(TeamsConversation.conversation_id == conversation_id)
        .where(TeamsConversation.removed_at.is_(None))
        .values(removed_at=at)
    )
    changed = bool(getattr(session.execute(stmt), "rowcount", 0))
    session.expire_all()  # rows already loaded must show the removal
    return changed


def get_conversation(session: Session, *, conversation_id: str) -> TeamsConversation | None:
    """The conversation with this id, installed or removed."""
    stmt = select(TeamsConversation).where(TeamsConversation.conversation_id == conversation_id)
    return session.scalar(stmt)


def get_personal_conversation(
    session: Session, *, user_aad_id: str, active_only: bool = True
) -> TeamsConversation | None:
    """The personal chat between the bot and a person (by Entra object id), newest first."""
    stmt = (
        select(TeamsConversation)
        .where(TeamsConversation.user_aad_id == user_aad_id)
        .where(TeamsConversation.conversation_type == "personal")
        .order_by(TeamsConversation.installed_at.desc(), TeamsConversation.id.desc())
    )
    if active_only:
        stmt = stmt.where(TeamsConversation.removed_at.is_(None))
    return session.scalars(stmt).first()


def find_target(session: Session, *, channel: str) -> TeamsConversation | None:
    """Where a Teams subscription's ``channel`` posts: that conversation, or that person's chat.

    Subscriptions typed in a channel store the conversation id; typed in a personal chat they
    store the person's id (see bot/answers/subscriptions.py), which maps to their personal chat.
    """
    found = get_conversation(session, conversation_id=channel)
    if found is not None:
        return found
    return get_personal_conversation(session, user_aad_id=channel)


def list_conversations(
    session: Session, *, active_only: bool = True, tenant_id: str | None = None
) -> list[TeamsConversation]:
    """Conversation references, oldest install first."""
    stmt = select(TeamsConversation).order_by(TeamsConversation.installed_at, TeamsConversation.id)
    if active_only:
        stmt = stmt.where(TeamsConversation.removed_at.is_(None))
    if tenant_id is not None:
        stmt = stmt.where(TeamsConversation.tenant_id == tenant_id)
    return list(session.scalars(stmt))
