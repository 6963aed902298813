"""pending ingests: papers sent in chat, waiting for an administrator's Apply or Discard

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 06:19:30.218893
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_ingests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=100), nullable=True),
        sa.Column("message_ts", sa.String(length=40), nullable=True),
        # UtcDateTime in the model: stored as UTC on every dialect.
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_ingests")),
    )
    op.create_index(
        "ix_pending_ingests_state_created_at", "pending_ingests", ["state", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_pending_ingests_state_created_at", table_name="pending_ingests")
    op.drop_table("pending_ingests")
