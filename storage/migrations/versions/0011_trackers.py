"""trackers: live tracker canvases or pinned messages kept current by the worker; how a
subscription's change notices read (format full | condensed, broadcast); thread parents that
are a person's thread (subscribed in), never rewritten

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trackers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("surface", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column("form", sa.String(length=10), nullable=False),
        sa.Column("form_reason", sa.String(length=80), nullable=True),
        sa.Column("canvas_id", sa.String(length=40), nullable=True),
        sa.Column("message_ts", sa.String(length=40), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("revision_seen", sa.BigInteger(), nullable=False),
        sa.Column("day_seen", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        # UtcDateTime in the model: stored as UTC on every dialect.
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False, server_default="default"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trackers")),
        sa.UniqueConstraint("surface", "channel", "target", name="uq_trackers_channel_target"),
    )
    op.create_index(op.f("ix_trackers_channel"), "trackers", ["channel"])
    op.create_index(op.f("ix_trackers_workspace"), "trackers", ["workspace"])
    op.add_column(
        "subscriptions",
        sa.Column("format", sa.String(length=10), nullable=False, server_default="full"),
    )
    op.add_column(
        "subscriptions",
        sa.Column("broadcast", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "change_threads",
        sa.Column("ours", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    with op.batch_alter_table("change_threads") as batch:
        batch.drop_column("ours")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("broadcast")
        batch.drop_column("format")
    op.drop_index(op.f("ix_trackers_workspace"), table_name="trackers")
    op.drop_index(op.f("ix_trackers_channel"), table_name="trackers")
    op.drop_table("trackers")
