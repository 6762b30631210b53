"""mipymes.owner_code_hash: the owner code; confirmations count as independent only with the owner's proof.

Revision ID: 0010_owner_code
Revises: 0009_must_change_password
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_owner_code"
down_revision = "0009_must_change_password"
branch_labels = None
depends_on = None

# The rules of fieldwork/web/device.py, written out so this migration does not depend on the
# application's code of tomorrow: a confirmation is independent when it came from the owner's account
# or with the owner code, and "same device" when it came through the link from the phone that synced
# the visit. The stored answer counts were computed with 0008's rule (any link answer from another
# device counted): recompute them, so that the dashboard's rate stops counting unverified link answers.
INDEPENDENT = "owner_confirmation = 'confirmed' AND confirmed_via IN ('account', 'link_code')"
SAME_DEVICE = ("owner_confirmation = 'confirmed' AND confirmed_via IN ('link', 'link_code') "
               "AND link_device IS NOT NULL AND link_device = sync_device")
OLD_INDEPENDENT = ("owner_confirmation = 'confirmed' AND (confirmed_via IS NULL OR confirmed_via != 'link' "
                   "OR link_device IS NULL OR sync_device IS NULL OR link_device != sync_device)")
OLD_SAME_DEVICE = ("owner_confirmation = 'confirmed' AND confirmed_via = 'link' AND link_device IS NOT NULL "
                   "AND link_device = sync_device")


# One UPDATE of every (Mipyme, officer) answer row from that pair's visits (both databases).
PAIR = ("visits.mipyme_id = officer_answer_counts.mipyme_id "
        "AND visits.officer_id = officer_answer_counts.officer_id")
RECOUNT = """
UPDATE officer_answer_counts SET
    independent_confirmations = (SELECT count(*) FROM visits WHERE {pair} AND {independent}),
    same_device_confirmations = (SELECT count(*) FROM visits WHERE {pair} AND {same_device})
"""


def recount(independent: str, same_device: str) -> str:
    return RECOUNT.format(pair=PAIR, independent=independent, same_device=same_device)


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch would copy and drop `mipymes`, which SQLite's foreign keys refuse once
    # visits point at it.
    op.add_column("mipymes", sa.Column("owner_code_hash", sa.String(length=255), nullable=True))
    op.add_column("mipymes", sa.Column("owner_code_set_at", sa.DateTime(), nullable=True))
    op.execute(recount(INDEPENDENT, SAME_DEVICE))


def downgrade() -> None:
    op.execute(recount(OLD_INDEPENDENT, OLD_SAME_DEVICE))
    with op.batch_alter_table("mipymes") as batch:
        batch.drop_column("owner_code_set_at")
        batch.drop_column("owner_code_hash")
