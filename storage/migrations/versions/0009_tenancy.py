"""tenancy: a workspace key on every tenant-owned row, workspaces and their administrators

Existing rows belong to the "default" workspace (the single-token install, the console and the
command line); decisions read from papers keep no workspace (shared by all).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

DEFAULT = "default"
# Tables whose rows all belong to one workspace (NOT NULL, "default" for existing rows).
OWNED = ("contacts", "subscriptions", "deliveries", "pending_ingests", "audit_log")


def _workspace_column(nullable: bool = False) -> sa.Column[str]:
    if nullable:
        return sa.Column("workspace", sa.String(length=64), nullable=True)
    return sa.Column("workspace", sa.String(length=64), nullable=False, server_default=DEFAULT)


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("surface", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("installed_by", sa.String(length=100), nullable=True),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uninstalled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_workspaces")),
    )
    op.create_table(
        "workspace_admins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_admins")),
        sa.UniqueConstraint("workspace", "user_id", name="uq_workspace_admins_key"),
    )
    for table in OWNED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(_workspace_column())
            batch_op.create_index(f"ix_{table}_workspace", ["workspace"], unique=False)
    with op.batch_alter_table("decisions") as batch_op:
        batch_op.add_column(_workspace_column(nullable=True))
        batch_op.create_index("ix_decisions_workspace", ["workspace"], unique=False)
    # The same channel and topic may be subscribed in two workspaces.
    with op.batch_alter_table("subscriptions") as batch_op:
        batch_op.drop_constraint("uq_subscriptions_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_subscriptions_key", ["workspace", "surface", "channel", "topic", "value"]
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch_op:
        batch_op.drop_constraint("uq_subscriptions_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_subscriptions_key", ["surface", "channel", "topic", "value"]
        )
    for table in ("decisions", *OWNED):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_workspace")
            batch_op.drop_column("workspace")
    op.drop_table("workspace_admins")
    op.drop_table("workspaces")
