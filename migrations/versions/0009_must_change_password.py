"""users.must_change_password: an account whose password someone else chose asks for a new one at login.

Revision ID: 0009_must_change_password
Revises: 0008_officer_answer_counts
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_must_change_password"
down_revision = "0008_officer_answer_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing accounts keep working as they are: nobody can tell now who chose their password.
    # A plain ADD COLUMN: a batch would copy and drop `users`, which SQLite's foreign keys refuse once
    # other rows point at it.
    op.add_column("users", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
