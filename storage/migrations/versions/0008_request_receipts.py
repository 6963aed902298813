"""request receipts: slash commands and interactions acted on once, across processes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_request_receipts",
        sa.Column("key", sa.String(length=200), nullable=False),
        # UtcDateTime in the model: stored as UTC on every dialect.
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_slack_request_receipts")),
    )
    with op.batch_alter_table("slack_request_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slack_request_receipts_received_at"), ["received_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("slack_request_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_request_receipts_received_at"))
    op.drop_table("slack_request_receipts")
