"""officer_answer_counts: how owners answered each officer's visits, per Mipyme; the dispute queue's index.

Revision ID: 0008_officer_answer_counts
Revises: 0007_mipyme_search_name
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_officer_answer_counts"
down_revision = "0007_mipyme_search_name"
branch_labels = None
depends_on = None

# The rows of fieldwork.mipymes.summary.answer_rows(), written out so this migration does not depend on the
# application's code of tomorrow (`flask summary rebuild` recomputes them with today's). A confirmation
# is "same device" when it came through the link from the device that synced the visit (fieldwork/web/device.py).
SAME_DEVICE = ("owner_confirmation = 'confirmed' AND confirmed_via = 'link' AND link_device IS NOT NULL "
               "AND link_device = sync_device")
INDEPENDENT = ("owner_confirmation = 'confirmed' AND (confirmed_via IS NULL OR confirmed_via != 'link' "
               "OR link_device IS NULL OR sync_device IS NULL OR link_device != sync_device)")
BACKFILL = f"""
INSERT INTO officer_answer_counts (mipyme_id, officer_id, visits, independent_confirmations,
    same_device_confirmations, disputed, pending)
SELECT mipyme_id, officer_id, count(*),
    sum(CASE WHEN {INDEPENDENT} THEN 1 ELSE 0 END),
    sum(CASE WHEN {SAME_DEVICE} THEN 1 ELSE 0 END),
    sum(CASE WHEN owner_confirmation = 'disputed' THEN 1 ELSE 0 END),
    sum(CASE WHEN owner_confirmation = 'pending' THEN 1 ELSE 0 END)
FROM visits
GROUP BY mipyme_id, officer_id
"""
OPEN_DISPUTE = "owner_confirmation = 'disputed' AND dispute_resolved_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "officer_answer_counts",
        sa.Column("mipyme_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("independent_confirmations", sa.Integer(), nullable=False),
        sa.Column("same_device_confirmations", sa.Integer(), nullable=False),
        sa.Column("disputed", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["mipyme_id"], ["mipymes.id"],
                                name=op.f("fk_officer_answer_counts_mipyme_id_mipymes")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_officer_answer_counts_officer_id_users")),
        sa.PrimaryKeyConstraint("mipyme_id", "officer_id", name=op.f("pk_officer_answer_counts")),
    )
    with op.batch_alter_table("officer_answer_counts") as batch:
        batch.create_index(batch.f("ix_officer_answer_counts_officer_id"), ["officer_id"], unique=False)
    op.create_index("ix_visits_open_disputes", "visits", ["confirmed_at", "id"], unique=False,
                    postgresql_where=sa.text(OPEN_DISPUTE), sqlite_where=sa.text(OPEN_DISPUTE))
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index("ix_visits_open_disputes", table_name="visits")
    op.drop_table("officer_answer_counts")
