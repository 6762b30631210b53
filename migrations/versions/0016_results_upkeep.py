"""The programme results' follow-ups and monthly sales kept per Mipyme (fieldwork/results/tables.py), so
that the results of any day read them instead of the visits; filled for the visits already stored. The
visits' (mipyme_id, form_version_id, visited_at, id) index, for the searches of an indicator only form
questions feed.

Revision ID: 0016_results_upkeep
Revises: 0015_summary_verification
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_results_upkeep"
down_revision = "0015_summary_verification"
branch_labels = None
depends_on = None

# fieldwork/results/follow_ups.py's rows, written out so this migration does not depend on tomorrow's
# code: each counting visit (not returned, no open dispute) with a follow-up, and the instant of its
# Mipyme's next counting visit.
COUNTING = ("{v}.review_status != 'returned' "
            "AND ({v}.owner_confirmation != 'disputed' OR {v}.dispute_resolved_at IS NOT NULL)")
FILL_FOLLOW_UPS = f"""
INSERT INTO result_follow_ups (visit_id, mipyme_id, visited_at, due, next_counting_at)
SELECT visits.id, visits.mipyme_id, visits.visited_at, visits.follow_up_due,
       (SELECT min(later.visited_at) FROM visits AS later
        WHERE later.mipyme_id = visits.mipyme_id AND later.visited_at > visits.visited_at
          AND {COUNTING.format(v="later")})
FROM visits WHERE visits.follow_up_due IS NOT NULL AND {COUNTING.format(v="visits")}
"""  # noqa: S608 (built from this file's constants only)


def upgrade() -> None:
    op.create_table(
        "result_follow_ups",
        sa.Column("visit_id", sa.String(36), primary_key=True),
        sa.Column("mipyme_id", sa.Integer(), sa.ForeignKey("mipymes.id"), nullable=False),
        sa.Column("visited_at", sa.DateTime(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("next_counting_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_result_follow_ups_mipyme_due", "result_follow_ups", ["mipyme_id", "due"])
    op.create_table(
        "result_monthly_sales",
        sa.Column("mipyme_id", sa.Integer(), sa.ForeignKey("mipymes.id"), primary_key=True),
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("visit_id", sa.String(36), nullable=False),
        sa.Column("visited_at", sa.DateTime(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
    )
    op.create_index("ix_visits_mipyme_version_visited", "visits", ["mipyme_id", "form_version_id", "visited_at", "id"])
    op.execute(FILL_FOLLOW_UPS)
    # A month's sales figure is a form question's answer or the built-in figure, by each form version's
    # feeds (parsed by fieldwork/results/definitions.py), in calendar months of the programme's zone (the
    # app's setting): the code that keeps these rows fills them, rather than a second copy of those rules.
    from fieldwork.results import monthly

    monthly.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_visits_mipyme_version_visited", "visits")
    op.drop_table("result_monthly_sales")
    op.drop_table("result_follow_ups")
