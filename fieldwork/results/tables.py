"""The kept tables the programme results read besides `mipyme_results` (models/programme.py), kept in
step with the visits by fieldwork/results/kept.py in the same transaction as every visit write, so that
the follow-ups kept on time and the size bands read narrow rows instead of the visits (issue 17 item 9).
Migration 0016_results_upkeep creates them.

Declared here, beside the code that alone writes and reads them, rather than as ORM models: nothing
loads them as objects.
"""
from __future__ import annotations

from sqlalchemy import Column, Date, Float, ForeignKey, Index, Integer, String, Table

from fieldwork.extensions import db
from fieldwork.models import Visit
from fieldwork.models.types import UTCDateTime

#: Each counting visit with a follow-up due, and the instant of its Mipyme's next counting visit (NULL:
#: none yet). Whether the follow-up was kept on time (a later counting visit by the end of the day due)
#: depends on neither the day asked nor the filters, so it is written once per visit write.
FOLLOW_UPS = Table(
    "result_follow_ups", db.metadata,
    Column("visit_id", String(36), primary_key=True),
    Column("mipyme_id", Integer, ForeignKey("mipymes.id"), nullable=False),
    Column("visited_at", UTCDateTime, nullable=False),
    Column("due", Date, nullable=False),
    Column("next_counting_at", UTCDateTime, nullable=True),
    Index("ix_result_follow_ups_mipyme_due", "mipyme_id", "due"),
)

#: Each Mipyme's latest counting visit that reports the month's sales (`sales_month_cop`), per calendar
#: month of the programme zone (`month`: its first day): what the size band's annual revenue averages.
MONTHLY_SALES = Table(
    "result_monthly_sales", db.metadata,
    Column("mipyme_id", Integer, ForeignKey("mipymes.id"), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("visit_id", String(36), nullable=False),
    Column("visited_at", UTCDateTime, nullable=False),
    Column("value", Float, nullable=False),
)


#: A Mipyme's visits of each form version in order: the ends' searches for a code no built-in figure
#: feeds read only the visits of the versions whose question feeds it (queries.answerable), so a Mipyme
#: never visited with such a version costs one index probe, not a walk through its whole history.
VISITS_BY_VERSION = Index("ix_visits_mipyme_version_visited", Visit.__table__.c.mipyme_id,
                          Visit.__table__.c.form_version_id, Visit.__table__.c.visited_at, Visit.__table__.c.id)
