"""Receipts of the Slack requests that act (slash commands, buttons, modal submissions).

Slack gives each invocation an identity that a replay repeats: a slash command's ``trigger_id``;
a button's ``action_ts`` with its ``action_id``, the message it sits on and the person who
pressed. The first delivery inserts its key; a repeat finds the key taken and does nothing. The
unique key lives in the database, so it holds across restarts and several web processes. Rows
are kept for a day (a signed request is only accepted within five minutes of its timestamp).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UtcDateTime

KEY_LENGTH = 200


class SlackRequestReceipt(Base):
    """One acting request already accepted; its key is what Slack repeats on a replay."""

    __tablename__ = "slack_request_receipts"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
