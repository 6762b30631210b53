"""What a visit was at each revision, and every review decision on it: the supervisor reads both."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldwork.extensions import db
from fieldwork.models.types import UTCDateTime, utcnow

#: Kinds of review events, in the words of the visit page (fieldwork/visits/history.py).
REVIEW_EVENT_KINDS = ("approved", "returned", "resubmitted", "reopened", "owner_right", "record_stands")


class VisitRevision(db.Model):
    """The officer's content of one visit at one revision (kept when sync replaces it)."""

    __tablename__ = "visit_revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    # The CONTENT_FIELDS as canonical JSON values (dates as ISO strings), so any two can be compared.
    content: Mapped[dict] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewEvent(db.Model):
    """One step of a visit's review: approved, returned, resubmitted by the officer, or a dispute outcome."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
