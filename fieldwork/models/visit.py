from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldwork.extensions import db
from fieldwork.models.form import JSONDocument
from fieldwork.models.mipyme import Mipyme
from fieldwork.models.types import TopicList, UTCDateTime, utcnow
from fieldwork.models.user import User

TOPICS = ("produccion", "comercializacion", "financiacion", "formacion")
REVIEW_STATES = ("submitted", "approved", "returned")
CONFIRMATION_STATES = ("pending", "confirmed", "disputed")
#: fieldwork.mipymes.summary.open_dispute_condition() as an index predicate (a partial index needs literal SQL).
OPEN_DISPUTE_SQL = "owner_confirmation = 'disputed' AND dispute_resolved_at IS NULL"
#: A visit's title is cut to this many characters ("…" last): a line in a list, not a document.
TITLE_MAX_CHARS = 200


class Visit(db.Model):
    __tablename__ = "visits"
    __table_args__ = (
        # Flags and the per-Mipyme aggregates read the latest visits of each Mipyme.
        Index("ix_visits_mipyme_visited", "mipyme_id", "visited_at"),
        Index("ix_visits_officer_visited", "officer_id", "visited_at"),
        Index("ix_visits_received_at", "received_at"),
        # The visit log's order (newest first, ties by id): its keyset pages walk this index.
        Index("ix_visits_visited_id", "visited_at", "id"),
        # The dispute queue (oldest dispute first) walks this partial index: a page costs the same
        # whether a hundred or a hundred thousand disputes are open.
        Index("ix_visits_open_disputes", "confirmed_at", "id",
              postgresql_where=text(OPEN_DISPUTE_SQL), sqlite_where=text(OPEN_DISPUTE_SQL)),
    )

    # The UUID made on the phone: the unique key that makes a replayed send harmless.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mipyme_id: Mapped[int] = mapped_column(ForeignKey("mipymes.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    topics: Mapped[list[str]] = mapped_column(TopicList, default=list)
    production_units: Mapped[int | None] = mapped_column(Integer)
    monthly_sales_cop: Mapped[int | None] = mapped_column(BigInteger)
    employees: Mapped[int | None] = mapped_column(Integer)
    needs: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    follow_up_reason: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # The form version the officer filled, and the answers the server kept (None on visits before forms).
    form_version_id: Mapped[int | None] = mapped_column(ForeignKey("form_versions.id"), index=True)
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # The form's instance_name over those answers, computed by the server when it keeps them
    # (fieldwork/forms/visit_answers.py) and stored so that lists read it (None: no title).
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX_CHARS))
    # SHA-256 of the canonical JSON of the officer's fields: equal hash means a harmless replay.
    content_hash: Mapped[str] = mapped_column(String(64))

    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    review_status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner_confirmation: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    owner_comment: Mapped[str | None] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "account" or "link": how the owner's decision arrived.
    confirmed_via: Mapped[str | None] = mapped_column(String(16))
    dispute_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispute_resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dispute_resolution_note: Mapped[str | None] = mapped_column(Text)
    # "owner_right" (the visit went back to its officer) or "record_stands" (fieldwork/supervision/services.py).
    dispute_outcome: Mapped[str | None] = mapped_column(String(16))
    # HMAC of address + user agent (fieldwork/web/device.py): the phone that synced the visit, and the
    # browser that answered its link; equal means the "owner" answered from the officer's own device.
    sync_device: Mapped[str | None] = mapped_column(String(64))
    link_device: Mapped[str | None] = mapped_column(String(64))

    mipyme: Mapped[Mipyme] = relationship(foreign_keys=[mipyme_id])
    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
    photos: Mapped[list[Photo]] = relationship(
        back_populates="visit", order_by="Photo.created_at", cascade="all, delete-orphan"
    )


class Photo(db.Model):
    __tablename__ = "photos"

    # The UUID made on the phone, so that a retried upload is recognised.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="photos")
