"""visits.title: the form's instance_name over a visit's answers, computed by the server when it keeps them,
so that the officer's and the supervisor's lists read it without walking the form per row. Visits stored
before it have none and read as before (their Mipyme and day) until their officer edits them.

Revision ID: 0017_visit_title
Revises: 0016_results_upkeep
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_visit_title"
down_revision = "0016_results_upkeep"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (nullable, no default): a batch would copy and drop `visits`, which other tables'
    # foreign keys point at.
    op.add_column("visits", sa.Column("title", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("title")
