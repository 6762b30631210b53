"""mipyme_summaries keeps the programme results' verification counts per Mipyme (the visits that count
for results, and among them those the owner confirmed, confirmed independently, and disputed), so the
results read one row per Mipyme instead of every visit.

Revision ID: 0015_summary_verification
Revises: 0014_results_rows
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_summary_verification"
down_revision = "0014_results_rows"
branch_labels = None
depends_on = None

COLUMNS = ("counting_visits", "counting_confirmed", "counting_independent", "counting_disputed")

# fieldwork/mipymes/summary.py's rules, written out so this migration does not depend on tomorrow's code.
# A visit counts unless returned or its owner's dispute is open; independent: confirmed from the owner's
# account or with the owner code (fieldwork/web/device.py).
COUNTING = ("visits.review_status != 'returned' "
            "AND (visits.owner_confirmation != 'disputed' OR visits.dispute_resolved_at IS NOT NULL)")
CONDITIONS = {
    "counting_visits": COUNTING,
    "counting_confirmed": f"{COUNTING} AND visits.owner_confirmation = 'confirmed'",
    "counting_independent": f"{COUNTING} AND visits.owner_confirmation = 'confirmed' "
                            "AND visits.confirmed_via IN ('account', 'link_code')",
    "counting_disputed": f"{COUNTING} AND visits.owner_confirmation = 'disputed'",
}
RECOUNT = "{name} = (SELECT count(*) FROM visits WHERE visits.mipyme_id = mipyme_summaries.mipyme_id AND {condition})"
BACKFILL = "UPDATE mipyme_summaries SET " + ", ".join(  # noqa: S608 (built from this file's constants only)
    RECOUNT.format(name=name, condition=condition) for name, condition in CONDITIONS.items())


def upgrade() -> None:
    with op.batch_alter_table("mipyme_summaries") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("mipyme_summaries") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
