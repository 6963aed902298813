"""Conversation references in the store: refreshed, not duplicated; removal and reinstall."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from storage.db import transaction
from storage.teams_store import (
    ConversationRef,
    find_target,
    list_conversations,
    mark_removed,
    save_conversation,
)

T0 = datetime(2019, 4, 1, 9, 0, tzinfo=UTC)
CHAT = ConversationRef(
    "a:chat", "https://smba.example/emea/", "personal", "tenant-1", "28:bot", "aad-user-1", None
)


def test_saving_again_refreshes_the_url_and_keeps_what_the_activity_left_out(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        save_conversation(session, ref=CHAT, at=T0)
    moved = ConversationRef("a:chat", "https://smba.example/uk/", "personal")
    with transaction(sessions) as session:
        row = save_conversation(session, ref=moved, at=T0 + timedelta(days=1))
        assert (row.service_url, row.tenant_id, row.user_aad_id) == (
            "https://smba.example/uk/",
            "tenant-1",
            "aad-user-1",
        )
        assert row.installed_at.replace(tzinfo=UTC) == T0
        assert len(list_conversations(session)) == 1


def test_removal_then_reinstall(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        save_conversation(session, ref=CHAT, at=T0)
        assert mark_removed(session, conversation_id="a:chat", at=T0 + timedelta(hours=1))
        assert not mark_removed(session, conversation_id="a:chat", at=T0 + timedelta(hours=2))
        assert list_conversations(session) == []
        assert find_target(session, channel="aad-user-1") is None
    later = T0 + timedelta(days=3)
    with transaction(sessions) as session:
        row = save_conversation(session, ref=CHAT, at=later)
        assert row.active and row.installed_at.replace(tzinfo=UTC) == later


def test_a_person_is_found_through_their_personal_chat(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        save_conversation(session, ref=CHAT, at=T0)
        found = find_target(session, channel="aad-user-1")
        assert found is not None and found.conversation_id == "a:chat"
        assert find_target(session, channel="a:chat") is found
        assert find_target(session, channel="someone-else") is None
