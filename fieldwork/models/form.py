"""Versions of the programme's XLSForm: each upload is kept as it came, and never changed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint, event, inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldwork.extensions import db
from fieldwork.models.types import UTCDateTime, utcnow
from fieldwork.models.user import User

#: jsonb on PostgreSQL (indexable, compact), plain JSON text on SQLite; Python None is SQL NULL
#: (a visit without a form has no answers, not the JSON value null).
JSONDocument = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class FormVersion(db.Model):
    """One uploaded XLSForm: the original file, who brought it, and the definition read from it."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("form_id", "version", name="uq_form_versions_form_id_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    original_file: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # The definition read at upload (every text in es and en, every expression's AST): the file is
    # never read again, so a pyxform upgrade cannot change what an old version's visits answered.
    definition: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The first publication; set once. Which version is current is the latest FormPublication.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])


class FormPublication(db.Model):
    """Each time a version was made current (publishing an older one again is how a mistake is undone)."""

    __tablename__ = "form_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id"), index=True)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    form_version: Mapped[FormVersion] = relationship()
    published_by: Mapped[User] = relationship(foreign_keys=[published_by_id])


_IMMUTABLE = ("form_id", "version", "title", "filename", "original_file", "definition", "uploaded_by_id",
              "uploaded_at")


@event.listens_for(FormVersion, "before_update")
def _refuse_changes(mapper, connection, target: FormVersion) -> None:
    """Visits point at a version; changing it would change what they answered."""
    state = inspect(target)
    changed = [name for name in _IMMUTABLE if state.attrs[name].history.has_changes()]
    if changed or state.attrs["published_at"].history.deleted not in ((), [None]):
        raise ValueError(f"form versions are immutable (tried to change {changed or ['published_at']})")
