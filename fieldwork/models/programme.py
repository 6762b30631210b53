"""What a programme is measured with: its neighbourhoods, the Mipymes' status history, the UVT of each
year, and the per-Mipyme results rows kept in step with the visits (issue 17)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldwork.extensions import db
from fieldwork.models.types import UTCDateTime, utcnow
from fieldwork.text.search import SEARCH_NAME_LENGTH

MIPYME_STATUSES = ("active", "graduated", "closed", "withdrawn", "moved")
NEIGHBORHOOD_KINDS = ("barrio", "comuna", "corregimiento", "vereda")


class Neighborhood(db.Model):
    """One entry of the programme's managed list of places (a Mipyme's `neighborhood` is one of these
    names), so that a typo cannot make a second filter entry."""

    __tablename__ = "neighborhoods"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # The name folded as searches fold it (fieldwork/text/search.py): two names that differ only in
    # case or accents are one place.
    search_name: Mapped[str] = mapped_column(String(SEARCH_NAME_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="barrio")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MipymeStatusChange(db.Model):
    """A Mipyme's status from `effective_on` on, until the next row (the first row, `active`, counts
    from `enrolled_on`). Kept like the assignment history: a change is a new row, never an update."""

    __tablename__ = "mipyme_status_changes"
    __table_args__ = (Index("ix_mipyme_status_changes_mipyme", "mipyme_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mipyme_id: Mapped[int] = mapped_column(ForeignKey("mipymes.id"))
    status: Mapped[str] = mapped_column(String(16))
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UvtValue(db.Model):
    """The DIAN's Unidad de Valor Tributario of a year, in pesos (the size bands of Decreto 957 de 2019
    are written in UVT). Seeded by a migration; an admin adds next year's."""

    __tablename__ = "uvt_values"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value_cop: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MipymeResultRow(db.Model):
    """One Mipyme's baseline and latest value of one indicator over its counting visits up to now,
    kept in step with every visit write (same transaction, like the summary rows), so the results page
    reads one row per Mipyme and indicator instead of every visit. A Mipyme with no counting visit that
    answers the indicator has no row for it."""

    __tablename__ = "mipyme_results"
    __table_args__ = (Index("ix_mipyme_results_code", "code", "mipyme_id"),)

    mipyme_id: Mapped[int] = mapped_column(ForeignKey("mipymes.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    baseline_visit_id: Mapped[str] = mapped_column(String(36))
    baseline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Integers (pesos, people) up to ±10^15 are exact in a double; yes/no is 1 or 0.
    baseline_value: Mapped[float] = mapped_column(Float)
    latest_visit_id: Mapped[str] = mapped_column(String(36))
    latest_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latest_value: Mapped[float] = mapped_column(Float)


class ApiToken(db.Model):
    """A personal access token for the OData feed (HTTP Basic: username and token). Only a hash is
    stored; `lookup` (the token's first characters) finds the row without scanning every hash."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    lookup: Mapped[str] = mapped_column(String(16), index=True)
    token_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

