"""thread workspaces: change-notice thread parents are kept per workspace

A direct message's recipient is a user id, which Enterprise Grid shares between workspaces while
each workspace has its own DM channel; a parent's ts is only good where it was posted. Existing
parents belong to the "default" workspace.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_threads") as batch_op:
        batch_op.add_column(
            sa.Column("workspace", sa.String(length=64), nullable=False, server_default="default")
        )
        batch_op.create_index("ix_change_threads_workspace", ["workspace"], unique=False)
        batch_op.drop_constraint("uq_change_threads_channel_ref", type_="unique")
        batch_op.create_unique_constraint(
            "uq_change_threads_channel_ref", ["workspace", "surface", "channel", "ref"]
        )


def downgrade() -> None:
    with op.batch_alter_table("change_threads") as batch_op:
        batch_op.drop_constraint("uq_change_threads_channel_ref", type_="unique")
        batch_op.create_unique_constraint(
            "uq_change_threads_channel_ref", ["surface", "channel", "ref"]
        )
        batch_op.drop_index("ix_change_threads_workspace")
        batch_op.drop_column("workspace")
