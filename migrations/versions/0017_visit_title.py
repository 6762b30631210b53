"""visits.title: the form's instance_name over a visit's answers, computed by the server when it keeps them,
so that the officer's and the supervisor's lists read it without walking the form per row; filled for the
visits already stored in a version that has an instance_name.

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
    # The title is the form's expression over the answers, by the walk that validates them (judge_answers):
    # the code that computes it at sync fills it here too, rather than a second copy of that walk.
    from fieldwork.forms.visit_answers import fill_titles

    fill_titles(op.get_bind())


def downgrade() -> None:
    # A plain DROP COLUMN too (SQLite has it since 3.35): a batch's copy of `visits` fails on SQLite as soon as
    # a photo, a revision or a review event points at a visit.
    op.drop_column("visits", "title")
