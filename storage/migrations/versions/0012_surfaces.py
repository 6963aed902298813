"""surfaces: quiet hours, held deliveries, channel unfurl settings and the unfurl rate

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _workspace() -> sa.Column[str]:
    return sa.Column("workspace", sa.String(length=64), nullable=False, server_default="default")


def upgrade() -> None:
    # UtcDateTime in the models: stored as UTC on every dialect.
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "quiet_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("surface", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=False),
        sa.Column("end", sa.String(length=5), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _workspace(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiet_hours")),
        sa.UniqueConstraint("surface", "user_id", name="uq_quiet_hours_person"),
    )
    op.create_index(op.f("ix_quiet_hours_workspace"), "quiet_hours", ["workspace"])
    op.create_table(
        "channel_unfurls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("surface", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _workspace(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_unfurls")),
        sa.UniqueConstraint("surface", "channel", name="uq_channel_unfurls_channel"),
    )
    op.create_index(op.f("ix_channel_unfurls_workspace"), "channel_unfurls", ["workspace"])
    op.create_table(
        "unfurls_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        _workspace(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unfurls_seen")),
        sa.UniqueConstraint("channel", "url", name="uq_unfurls_seen_link"),
    )
    op.create_index(op.f("ix_unfurls_seen_workspace"), "unfurls_seen", ["workspace"])


def downgrade() -> None:
    for table in ("unfurls_seen", "channel_unfurls", "quiet_hours"):
        op.drop_index(op.f(f"ix_{table}_workspace"), table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("not_before")
