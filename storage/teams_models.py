"""Teams conversation references: where the bot may post on its own (reminders, digests, nudges).

Teams tells a bot the URL to answer on (``serviceUrl``) and the conversation id in every activity.
Proactive messages need both later, so each install (and each message, since the URL can move)
keeps one row per conversation. Removal keeps the row and sets ``removed_at``: history stays, and
the sender can tell "removed" from "never installed".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UtcDateTime

CONVERSATION_TYPES = ("personal", "channel", "groupChat")


class TeamsConversation(Base):
    """A Teams conversation the bot was installed in: a personal chat, a channel or a group chat."""

    __tablename__ = "teams_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Teams conversation ids are long ("19:...@thread.tacv2", "a:1Bx..."); keep room.
    conversation_id: Mapped[str] = mapped_column(String(400), unique=True)
    service_url: Mapped[str] = mapped_column(String(400))
    tenant_id: Mapped[str | None] = mapped_column(String(100), index=True)
    conversation_type: Mapped[str] = mapped_column(String(20))  # personal | channel | groupChat
    bot_id: Mapped[str | None] = mapped_column(String(200))
    # The person in a personal chat (their Entra object id); how a person's subscription is found.
    user_aad_id: Mapped[str | None] = mapped_column(String(100), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def active(self) -> bool:
        return self.removed_at is None
