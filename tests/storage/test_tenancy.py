"""Workspaces, their administrators, uninstall, and the workspace a planned delivery gets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sec.timefmt import LONDON
from storage import tenancy
from storage.admin import set_proposer_slack_user
from storage.db import transaction
from storage.delivery_models import Delivery
from storage.models import AuditEntry, Contact, Modification
from storage.outbox import NewDelivery, enqueue_deliveries
from storage.subscriptions import create_subscription, list_subscriptions

AT = datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)
PAYLOAD = {"text": "t", "blocks": [], "metadata": {}}


def test_the_installer_is_the_first_administrator_and_a_rotation_changes_nothing(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        tenancy.record_install(session, key="T1", team_id="T1", installed_by="U1", at=AT)
        tenancy.record_install(session, key="T1", team_id="T1", installed_by="U9", at=AT)
        assert [a.user_id for a in tenancy.list_admins(session, workspace="T1")] == ["U1"]
        assert tenancy.is_admin(session, workspace="T1", user_id="U1")
        assert not tenancy.is_admin(session, workspace="T2", user_id="U1")
        assert tenancy.is_admin(session, workspace="T2", user_id="U1", bootstrap={"U1"})
        assert tenancy.add_admin(session, workspace="T1", user_id="U2", actor="U1", at=AT)
        assert not tenancy.add_admin(session, workspace="T1", user_id="U2", actor="U1", at=AT)
        assert tenancy.remove_admin(session, workspace="T1", user_id="U2", actor="U1", at=AT)
        assert not tenancy.remove_admin(session, workspace="T1", user_id="U2", actor="U1", at=AT)
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["install", "admin-add", "admin-add", "admin-remove"]


def test_uninstall_stops_only_that_workspaces_unsent_deliveries(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        tenancy.record_install(session, key="T1", team_id="T1", installed_by="U1", at=AT)
        rows = [
            NewDelivery("k", "reminder", "slack", "C1", AT, PAYLOAD, workspace="T1"),
            NewDelivery("k", "reminder", "slack", "C2", AT, PAYLOAD, workspace="T2"),
        ]
        enqueue_deliveries(session, rows=rows, now=AT)
        assert tenancy.record_uninstall(session, key="T1", at=AT, reason="app_uninstalled") == 1
        states = dict(session.execute(select(Delivery.recipient, Delivery.state)).all())
        workspace = tenancy.get_workspace(session, key="T1")
        assert workspace is not None and not workspace.active
    assert states == {"C1": "dead", "C2": "pending"}


def test_a_delivery_planned_without_a_workspace_gets_its_recipients(
    loaded: sessionmaker[Session],
) -> None:
    with transaction(loaded) as session:
        create_subscription(
            session,
            surface="slack",
            channel="CA",
            topic="all",
            created_by="U",
            at=AT,
            workspace="TA",
        )
        mod = session.scalar(select(Modification).where(Modification.ref == "MP090"))
        assert mod is not None
        set_proposer_slack_user(session, modification=mod, slack_user_id="UB", workspace="TB")
        rows = [
            NewDelivery("k", "reminder", "slack", who, AT, PAYLOAD) for who in ("CA", "UB", "CX")
        ]
        enqueue_deliveries(session, rows=rows, now=AT)
        found = dict(session.execute(select(Delivery.recipient, Delivery.workspace)).all())
        assert list_subscriptions(session, workspace="TB") == []
        default_link = session.scalar(
            select(Contact).where(Contact.modification_id == mod.id, Contact.workspace == "TB")
        )
        assert default_link is not None
    assert found == {"CA": "TA", "UB": "TB", "CX": "default"}


def test_workspace_keys() -> None:
    assert tenancy.workspace_key(team_id="T1") == "T1"
    assert (
        tenancy.workspace_key(team_id=None, enterprise_id="E1", is_enterprise_install=True) == "E1"
    )
    assert tenancy.workspace_key(team_id="T1", enterprise_id="E1") == "T1"
    assert tenancy.workspace_key(team_id=None) == "default"


def test_an_ingest_offer_is_decided_only_in_its_workspace(loaded: sessionmaker[Session]) -> None:
    from storage import pending_ingests as offers
    from storage.ingest import ChangeSet

    with transaction(loaded) as session:
        prepared = offers.prepare(
            session,
            ChangeSet(),
            checksum="0" * 64,
            file_name="paper.txt",
            source="paper.txt",
            requested_by="UA",
            channel="DA",
            now=AT,
            workspace="TA",
        )
        assert prepared.pending is not None
        pending_id = prepared.pending.id
    with transaction(loaded) as session:
        other = offers.discard_pending(
            session, pending_id=pending_id, actor="UB", now=AT, workspace="TB"
        )
        assert other.pending is None and not other.moved  # as if it did not exist
    with transaction(loaded) as session:
        own = offers.discard_pending(
            session, pending_id=pending_id, actor="UA", now=AT, workspace="TA"
        )
        assert own.moved and own.pending is not None and own.pending.state == "discarded"
