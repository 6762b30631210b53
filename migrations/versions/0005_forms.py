"""Forms: uploaded XLSForm versions, their publications, and the answers visits carry.

Old visits keep no form and no answers (both columns are nullable).

Revision ID: 0005_forms
Revises: 0004_visit_decisions
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_forms"
down_revision = "0004_visit_decisions"
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "form_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("original_file", sa.LargeBinary(), nullable=False),
        sa.Column("definition", JSON_DOCUMENT, nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("form_id", "version", name="uq_form_versions_form_id_version"),
    )
    op.create_table(
        "form_publications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("form_version_id", sa.Integer(), sa.ForeignKey("form_versions.id"), nullable=False),
        sa.Column("published_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_form_publications_form_version_id", "form_publications", ["form_version_id"])
    op.create_index("ix_form_publications_published_at", "form_publications", ["published_at"])
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("form_version_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("answers", JSON_DOCUMENT, nullable=True))
        batch.create_foreign_key("fk_visits_form_version_id", "form_versions", ["form_version_id"], ["id"])
        batch.create_index("ix_visits_form_version_id", ["form_version_id"])


def downgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.drop_index("ix_visits_form_version_id")
        batch.drop_constraint("fk_visits_form_version_id", type_="foreignkey")
        batch.drop_column("answers")
        batch.drop_column("form_version_id")
    op.drop_index("ix_form_publications_published_at", "form_publications")
    op.drop_index("ix_form_publications_form_version_id", "form_publications")
    op.drop_table("form_publications")
    op.drop_table("form_versions")
