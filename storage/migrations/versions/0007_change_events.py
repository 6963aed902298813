"""change events and Slack thread parents for change notifications

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=True),
        sa.Column("release", sa.String(length=80), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("sync_run_id", sa.Integer(), nullable=True),
        sa.Column("baseline", sa.Boolean(), nullable=False),
        # UtcDateTime in the model: stored as UTC on every dialect.
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_change_events_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_events")),
        sa.UniqueConstraint("event_key", name="uq_change_events_event_key"),
    )
    op.create_index("ix_change_events_told_at_id", "change_events", ["told_at", "id"])
    op.create_index(op.f("ix_change_events_ref"), "change_events", ["ref"])
    op.create_table(
        "change_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("surface", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("message_ts", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_threads")),
        sa.UniqueConstraint("surface", "channel", "ref", name="uq_change_threads_channel_ref"),
    )


def downgrade() -> None:
    op.drop_table("change_threads")
    op.drop_index(op.f("ix_change_events_ref"), table_name="change_events")
    op.drop_index("ix_change_events_told_at_id", table_name="change_events")
    op.drop_table("change_events")
