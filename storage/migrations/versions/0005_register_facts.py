"""register facts: page fields on documents and modifications; outcomes, SEC versions,
consultations, DCC work owed and release candidates

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:55:00.000000
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch: recreating ``modifications`` on SQLite would drop the
    # search triggers of migration 0003.
    op.add_column("documents", sa.Column("url", sa.String(length=1000), nullable=True))
    # UtcDateTime in the model: stored as UTC on every dialect.
    op.add_column("documents", sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True))
    for column in (
        sa.Column("lead_analyst", sa.String(length=200), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=True),
        sa.Column("implementation", sa.Text(), nullable=True),
        sa.Column("implementation_date", sa.Date(), nullable=True),
        sa.Column("details_as_of", sa.Date(), nullable=True),
        sa.Column("stage_inferred", sa.Boolean(), nullable=False, server_default=sa.false()),
    ):
        op.add_column("modifications", column)
    op.add_column(
        "decisions",
        sa.Column("kind", sa.String(length=30), nullable=False, server_default="decision"),
    )
    _create_fact_tables()


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _create_fact_tables() -> None:
    """The tables of storage/fact_models.py."""
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("modification_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=40), nullable=False),
        sa.Column("result", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        _fk("outcomes", "modification_id", "modifications"),
        _fk("outcomes", "document_id", "documents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
        sa.UniqueConstraint(
            "modification_id", "body", "result", "decided_on", name="uq_outcomes_decision"
        ),
    )
    op.create_index("ix_outcomes_modification_id", "outcomes", ["modification_id"])
    op.create_table(
        "sec_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("effective", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        _fk("sec_versions", "document_id", "documents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sec_versions")),
        sa.UniqueConstraint("number", name=op.f("uq_sec_versions_number")),
    )
    op.create_index("ix_sec_versions_effective", "sec_versions", ["effective"])
    op.create_table(
        "sec_version_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("modification_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        _fk("sec_version_changes", "version_id", "sec_versions"),
        _fk("sec_version_changes", "modification_id", "modifications"),
        _fk("sec_version_changes", "document_id", "documents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sec_version_changes")),
        sa.UniqueConstraint("version_id", "modification_id", name="uq_sec_version_changes_pair"),
    )
    op.create_index(
        "ix_sec_version_changes_modification_id", "sec_version_changes", ["modification_id"]
    )
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("modification_id", sa.Integer(), nullable=True),
        sa.Column("opens", sa.Date(), nullable=True),
        sa.Column("closes", sa.Date(), nullable=False),
        sa.Column("respond_to", sa.String(length=300), nullable=True),
        sa.Column("how", sa.Text(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        _fk("consultations", "modification_id", "modifications"),
        _fk("consultations", "document_id", "documents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("title", "closes", name="uq_consultations_title_closes"),
    )
    op.create_index("ix_consultations_modification_id", "consultations", ["modification_id"])
    op.create_index("ix_consultations_closes", "consultations", ["closes"])
    op.create_table(
        "release_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("modification_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        _fk("release_candidates", "release_id", "releases"),
        _fk("release_candidates", "modification_id", "modifications"),
        _fk("release_candidates", "document_id", "documents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_candidates")),
        sa.UniqueConstraint("release_id", "modification_id", name="uq_release_candidates_pair"),
    )
    op.create_index("ix_release_candidates_release_id", "release_candidates", ["release_id"])
    op.create_index(
        "ix_release_candidates_modification_id", "release_candidates", ["modification_id"]
    )


def downgrade() -> None:
    _drop_fact_tables()
    # Dropping columns recreates the table on SQLite: the search triggers go with it and are
    # made again below.
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("modifications") as batch:
        for column in (
            "stage_inferred",
            "details_as_of",
            "implementation_date",
            "implementation",
            "raised_on",
            "lead_analyst",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("fetched_at")
        batch.drop_column("url")
    _restore_search_triggers()


def _drop_fact_tables() -> None:
    """Drop the tables of storage/fact_models.py."""
    for table in (
        "release_candidates",
        "consultations",
        "sec_version_changes",
        "sec_versions",
        "outcomes",
    ):
        op.drop_table(table)


def _restore_search_triggers() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        spec = importlib.util.spec_from_file_location(
            "search_0003", Path(__file__).with_name("0003_search.py")
        )
        assert spec is not None and spec.loader is not None
        search = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(search)
        for statement in search.SQLITE_DDL:
            op.execute(statement)
