"""mipymes.search_name: the name folded (no case, no accents) for searches, filled for existing rows.

Revision ID: 0007_mipyme_search_name
Revises: 0006_mipyme_summaries
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fieldwork.text.search import SEARCH_NAME_LENGTH, fold

revision = "0007_mipyme_search_name"
down_revision = "0006_mipyme_summaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mipymes") as batch:
        batch.add_column(sa.Column("search_name", sa.String(length=SEARCH_NAME_LENGTH), nullable=False,
                                   server_default=""))
    # Folded in Python, not SQL: the same function as every write, so both databases hold the same text.
    connection = op.get_bind()
    mipymes = sa.table("mipymes", sa.column("id", sa.Integer), sa.column("name", sa.String),
                       sa.column("search_name", sa.String))
    rows = connection.execute(sa.select(mipymes.c.id, mipymes.c.name)).all()
    if rows:
        connection.execute(mipymes.update().where(mipymes.c.id == sa.bindparam("row_id"))
                           .values(search_name=sa.bindparam("folded")),
                           [{"row_id": row.id, "folded": fold(row.name)} for row in rows])
    # Index only: dropping the server default would make SQLite rebuild the table, which its foreign
    # keys (visits, users) forbid on a database that holds data.
    op.create_index("ix_mipymes_search_name", "mipymes", ["search_name"])


def downgrade() -> None:
    op.drop_index("ix_mipymes_search_name", "mipymes")
    with op.batch_alter_table("mipymes") as batch:
        batch.drop_column("search_name")
