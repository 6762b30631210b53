from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldwork.extensions import db
from fieldwork.models.types import UTCDateTime


class MipymeSummaryRow(db.Model):
    """What a Mipyme's visits say about it, kept in step with every visit write by
    `fieldwork.mipymes.summary` (in the same transaction), so lists read one row per Mipyme instead of
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
    # Visits the owner has not answered (approved ones included: approval does not end their say).
    awaiting_owner: Mapped[int] = mapped_column(Integer)
    # The programme results' verification, among the visits that count for results (not returned, no
    # open dispute: fieldwork/results/definitions.py): all of them, confirmed by the owner, confirmed
    # independently (fieldwork/web/device.py), disputed (and resolved).
    counting_visits: Mapped[int] = mapped_column(Integer, server_default="0")
    counting_confirmed: Mapped[int] = mapped_column(Integer, server_default="0")
    counting_independent: Mapped[int] = mapped_column(Integer, server_default="0")
    counting_disputed: Mapped[int] = mapped_column(Integer, server_default="0")


class OfficerAnswerRow(db.Model):
    """How owners answered the visits one officer made at one Mipyme, kept with the Mipyme's summary
    row (same refresh, same transaction). Per officer, the dashboard's confirmation rate then sums a
    few rows per Mipyme instead of grouping every visit of the programme."""

    __tablename__ = "officer_answer_counts"

    mipyme_id: Mapped[int] = mapped_column(ForeignKey("mipymes.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    visits: Mapped[int] = mapped_column(Integer)
    # Confirmed other than through the link from the device that synced the visit (fieldwork/web/device.py).
    independent_confirmations: Mapped[int] = mapped_column(Integer)
    same_device_confirmations: Mapped[int] = mapped_column(Integer)
    disputed: Mapped[int] = mapped_column(Integer)
    pending: Mapped[int] = mapped_column(Integer)
