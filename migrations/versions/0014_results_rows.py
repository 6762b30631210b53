"""mipyme_results filled for the visits already stored: each Mipyme's baseline and latest of the three
indicators the built-in figures feed (no form version fed an indicator before this release).

Revision ID: 0014_results_rows
Revises: 0013_programme_results
"""
from __future__ import annotations

from alembic import op

revision = "0014_results_rows"
down_revision = "0013_programme_results"
branch_labels = None
depends_on = None

# fieldwork/results/kept.py's rows, written out so this migration does not depend on tomorrow's code.
# A visit counts unless returned or its owner's dispute is open. Every stored visit is on or after its
# Mipyme's enrolled_on (sync refuses earlier visits; the registry refuses moving enrolled_on past the
# first visit), so no day boundary (a time-zone question) is needed here.
ANSWERED = """
SELECT mipyme_id, '{code}' AS code, id, visited_at, CAST({column} AS FLOAT) AS value FROM visits
WHERE {column} IS NOT NULL AND review_status != 'returned'
  AND (owner_confirmation != 'disputed' OR dispute_resolved_at IS NOT NULL)
"""
FEEDS = (("sales_month_cop", "monthly_sales_cop"), ("units_month", "production_units"), ("jobs_total", "employees"))
FILL = """
INSERT INTO mipyme_results (mipyme_id, code, baseline_visit_id, baseline_at, baseline_value,
                            latest_visit_id, latest_at, latest_value)
SELECT mipyme_id, code,
       max(CASE WHEN first_rank = 1 THEN id END), max(CASE WHEN first_rank = 1 THEN visited_at END),
       max(CASE WHEN first_rank = 1 THEN value END),
       max(CASE WHEN last_rank = 1 THEN id END), max(CASE WHEN last_rank = 1 THEN visited_at END),
       max(CASE WHEN last_rank = 1 THEN value END)
FROM (
    SELECT answered.*,
           row_number() OVER (PARTITION BY mipyme_id, code ORDER BY visited_at, id) AS first_rank,
           row_number() OVER (PARTITION BY mipyme_id, code ORDER BY visited_at DESC, id DESC) AS last_rank
    FROM ({answered}) AS answered
) AS ranked
WHERE first_rank = 1 OR last_rank = 1
GROUP BY mipyme_id, code
""".format(  # noqa: S608 (built from this file's constants only)
    answered=" UNION ALL ".join(ANSWERED.format(code=code, column=column) for code, column in FEEDS))


def upgrade() -> None:
    op.execute("DELETE FROM mipyme_results")
    op.execute(FILL)


def downgrade() -> None:
    op.execute("DELETE FROM mipyme_results")
