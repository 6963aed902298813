"""nudges: the follow-up state of pending decisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 06:08:19.548941
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("nudges_sent", sa.Integer(), nullable=False),
        sa.Column("unanswered", sa.Integer(), nullable=False),
        sa.Column("last_occurrence", sa.Date(), nullable=True),
        sa.Column("last_nudged_on", sa.Date(), nullable=True),
        sa.Column("last_answer", sa.String(length=20), nullable=True),
        sa.Column("last_answered_by", sa.String(length=100), nullable=True),
        # UtcDateTime in the model: stored as UTC on every dialect.
        sa.Column("last_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_on", sa.Date(), nullable=True),
        sa.Column("escalation_reason", sa.Text(), nullable=True),
        sa.Column("handed_back_on", sa.Date(), nullable=True),
        sa.Column("handed_back_by", sa.String(length=100), nullable=True),
        sa.Column("handed_back_note", sa.Text(), nullable=True),
        sa.Column("handed_back_told", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_told", sa.Boolean(), nullable=False),
        sa.Column("last_dead_delivery_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_follow_ups_decision_id_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_follow_ups")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_decision_follow_ups_decision_id")),
    )


def downgrade() -> None:
    op.drop_table("decision_follow_ups")
