"""Who was assigned to a Mipyme, and whether it was active, from which moment (issue 9 item 4)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldwork.extensions import db
from fieldwork.models.types import UTCDateTime, utcnow
from fieldwork.models.user import User


class MipymeHistory(db.Model):
    """The Mipyme's officer and active state as they were from `effective_at` on, until the next row.

    Each row is a whole state (officer and active), so the state at any moment is one row. The first
    row has no `effective_at`: it counts from the Mipyme's `enrolled_on`, whatever that is set to later.
    """

    __tablename__ = "mipyme_history"
    __table_args__ = (Index("ix_mipyme_history_mipyme", "mipyme_id", "effective_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mipyme_id: Mapped[int] = mapped_column(ForeignKey("mipymes.id"))
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    active: Mapped[bool] = mapped_column(Boolean)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
