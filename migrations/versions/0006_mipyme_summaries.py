"""mipyme_summaries: one row per visited Mipyme, kept in step with its visits; the visit log's index.

Revision ID: 0006_mipyme_summaries
Revises: 0005_forms
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_mipyme_summaries"
down_revision = "0005_forms"
branch_labels = None
depends_on = None

# The rows of fieldwork.mipymes.summary.window_rows(), written out so this migration does not depend on
# the application's code of tomorrow (`flask summary rebuild` recomputes them with today's).
BACKFILL = """
INSERT INTO mipyme_summaries (mipyme_id, visit_count, last_visit_id, last_visit_at, next_follow_up_due,
    follow_up_reason, latest_production_units, latest_monthly_sales_cop, latest_employees,
    previous_production_units, previous_monthly_sales_cop, previous_employees,
    open_disputes, awaiting_review, awaiting_owner)
SELECT mipyme_id, visit_count, id, visited_at, follow_up_due, follow_up_reason,
    production_units, monthly_sales_cop, employees,
    previous_production_units, previous_monthly_sales_cop, previous_employees,
    open_disputes, awaiting_review, awaiting_owner
FROM (
    SELECT mipyme_id, id, visited_at, follow_up_due, follow_up_reason, production_units, monthly_sales_cop, employees,
        lead(production_units) OVER newest_first AS previous_production_units,
        lead(monthly_sales_cop) OVER newest_first AS previous_monthly_sales_cop,
        lead(employees) OVER newest_first AS previous_employees,
        count(*) OVER per_mipyme AS visit_count,
        sum(CASE WHEN owner_confirmation = 'disputed' AND dispute_resolved_at IS NULL THEN 1 ELSE 0 END)
            OVER per_mipyme AS open_disputes,
        sum(CASE WHEN review_status = 'submitted' THEN 1 ELSE 0 END) OVER per_mipyme AS awaiting_review,
        sum(CASE WHEN owner_confirmation = 'pending' AND review_status != 'approved' THEN 1 ELSE 0 END)
            OVER per_mipyme AS awaiting_owner,
        row_number() OVER newest_first AS rn
    FROM visits
    WINDOW newest_first AS (PARTITION BY mipyme_id ORDER BY visited_at DESC, id DESC),
           per_mipyme AS (PARTITION BY mipyme_id)
) AS ranked
WHERE rn = 1
"""


def upgrade() -> None:
    op.create_table(
        "mipyme_summaries",
        sa.Column("mipyme_id", sa.Integer(), nullable=False),
        sa.Column("visit_count", sa.Integer(), nullable=False),
        sa.Column("last_visit_id", sa.String(length=36), nullable=False),
        sa.Column("last_visit_at", sa.DateTime(), nullable=False),
        sa.Column("next_follow_up_due", sa.Date(), nullable=True),
        sa.Column("follow_up_reason", sa.Text(), nullable=True),
        sa.Column("latest_production_units", sa.Integer(), nullable=True),
        sa.Column("latest_monthly_sales_cop", sa.BigInteger(), nullable=True),
        sa.Column("latest_employees", sa.Integer(), nullable=True),
        sa.Column("previous_production_units", sa.Integer(), nullable=True),
        sa.Column("previous_monthly_sales_cop", sa.BigInteger(), nullable=True),
        sa.Column("previous_employees", sa.Integer(), nullable=True),
        sa.Column("open_disputes", sa.Integer(), nullable=False),
        sa.Column("awaiting_review", sa.Integer(), nullable=False),
        sa.Column("awaiting_owner", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["mipyme_id"], ["mipymes.id"], name=op.f("fk_mipyme_summaries_mipyme_id_mipymes")),
        sa.PrimaryKeyConstraint("mipyme_id", name=op.f("pk_mipyme_summaries")),
    )
    with op.batch_alter_table("mipyme_summaries") as batch:
        batch.create_index(batch.f("ix_mipyme_summaries_last_visit_at"), ["last_visit_at"], unique=False)
        batch.create_index(batch.f("ix_mipyme_summaries_next_follow_up_due"), ["next_follow_up_due"], unique=False)
    with op.batch_alter_table("visits") as batch:
        batch.create_index("ix_visits_visited_id", ["visited_at", "id"], unique=False)
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.drop_index("ix_visits_visited_id")
    op.drop_table("mipyme_summaries")
