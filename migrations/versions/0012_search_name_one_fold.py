"""mipymes.search_name folded again by the one rule the phone shares (upper- then lower-case, NFKD, every mark
dropped), so names stored under the old rule (casefold, combining marks only) are found by today's searches.

Revision ID: 0012_search_name_one_fold
Revises: 0011_awaiting_owner
"""
from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0012_search_name_one_fold"
down_revision = "0011_awaiting_owner"
branch_labels = None
depends_on = None

LENGTH = 640  # the column's length (fieldwork/text/search.py SEARCH_NAME_LENGTH)
BATCH = 1000


def _fold(name: str | None) -> str:
    # fieldwork/text/search.py fold as of this revision, written out so that it does not follow tomorrow's code.
    decomposed = unicodedata.normalize("NFKD", (name or "").upper().lower())
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))[:LENGTH]


def upgrade() -> None:
    connection = op.get_bind()
    mipymes = sa.table("mipymes", sa.column("id", sa.Integer), sa.column("name", sa.String),
                       sa.column("search_name", sa.String))
    last = 0
    while True:  # a batch at a time: memory bounded however many Mipymes there are
        rows = connection.execute(sa.select(mipymes.c.id, mipymes.c.name, mipymes.c.search_name)
                                  .where(mipymes.c.id > last).order_by(mipymes.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1].id
        changed = [{"row_id": row.id, "folded": _fold(row.name)} for row in rows
                   if _fold(row.name) != row.search_name]
        if changed:
            connection.execute(mipymes.update().where(mipymes.c.id == sa.bindparam("row_id"))
                               .values(search_name=sa.bindparam("folded")), changed)


def downgrade() -> None:
    """Nothing to undo: the old rule's searches still find most names under the new one."""
