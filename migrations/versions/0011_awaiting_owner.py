"""mipyme_summaries.awaiting_owner counts approved visits too: approval no longer ends the owner's say.

Revision ID: 0011_awaiting_owner
Revises: 0010_owner_code
"""
from __future__ import annotations

from alembic import op

revision = "0011_awaiting_owner"
down_revision = "0010_owner_code"
branch_labels = None
depends_on = None

# fieldwork/mipymes/summary.py's rule, written out so this migration does not depend on tomorrow's code.
RECOUNT = """
UPDATE mipyme_summaries SET awaiting_owner = (
    SELECT count(*) FROM visits
    WHERE visits.mipyme_id = mipyme_summaries.mipyme_id AND visits.owner_confirmation = 'pending' {also}
)
"""
AWAITING_OWNER = RECOUNT.format(also="")


def upgrade() -> None:
    op.execute(AWAITING_OWNER)


def downgrade() -> None:
    op.execute(RECOUNT.format(also="AND visits.review_status != 'approved'"))
