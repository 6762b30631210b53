from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldwork.extensions import db
from fieldwork.models.types import UTCDateTime


class MipymeSummaryRow(db.Model):
    """What a Mipyme's visits say about it, kept in step with every visit write by
    `fieldwork.summary` (in the same transaction), so lists read one row per Mipyme instead of
    ranking all its visits. A Mipyme without visits has no row."""

    __tablename__ = "mipyme_summaries"

    mipyme_id: Mapped[int] = mapped_column(ForeignKey("mipymes.id"), primary_key=True)
    visit_count: Mapped[int] = mapped_column(Integer)
    last_visit_id: Mapped[str] = mapped_column(String(36))
    last_visit_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The latest visit's follow-up: a later visit satisfies any earlier one's (flags.py).
    next_follow_up_due: Mapped[date | None] = mapped_column(Date, index=True)
    follow_up_reason: Mapped[str | None] = mapped_column(Text)
    latest_production_units: Mapped[int | None] = mapped_column(Integer)
    latest_monthly_sales_cop: Mapped[int | None] = mapped_column(BigInteger)
    latest_employees: Mapped[int | None] = mapped_column(Integer)
    previous_production_units: Mapped[int | None] = mapped_column(Integer)
    previous_monthly_sales_cop: Mapped[int | None] = mapped_column(BigInteger)
    previous_employees: Mapped[int | None] = mapped_column(Integer)
    open_disputes: Mapped[int] = mapped_column(Integer)
    awaiting_review: Mapped[int] = mapped_column(Integer)
    # Visits the owner has not answered and may still answer (not approved yet).
    awaiting_owner: Mapped[int] = mapped_column(Integer)
