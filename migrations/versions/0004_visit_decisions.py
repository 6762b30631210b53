"""Visit revisions, review events, dispute outcomes and the devices that synced and confirmed a visit.

Revision ID: 0004_visit_decisions
Revises: 0003_enrolment_history
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0004_visit_decisions"
down_revision = "0003_enrolment_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visit_revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.String(36), sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_visit_revisions_visit_id", "visit_revisions", ["visit_id"])
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.String(36), sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_review_events_visit_id", "review_events", ["visit_id"])
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("dispute_outcome", sa.String(16), nullable=True))
        batch.add_column(sa.Column("sync_device", sa.String(64), nullable=True))
        batch.add_column(sa.Column("link_device", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("link_device")
        batch.drop_column("sync_device")
        batch.drop_column("dispute_outcome")
    op.drop_index("ix_review_events_visit_id", "review_events")
    op.drop_table("review_events")
    op.drop_index("ix_visit_revisions_visit_id", "visit_revisions")
    op.drop_table("visit_revisions")
