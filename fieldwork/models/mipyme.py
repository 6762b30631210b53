from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fieldwork.extensions import db
from fieldwork.models.types import UTCDateTime, utcnow
from fieldwork.models.user import User
from fieldwork.text.search import SEARCH_NAME_LENGTH, folded_name

# Codes are stored; labels are translated in fieldwork/text/labels.py.
SECTORS = (
    "artesanias",
    "confecciones",
    "alimentos",
    "comercio",
    "turismo",
    "servicios",
    "agroindustria",
    "otro",
)


def registration_day(context: Any) -> date:
    """The programme-zone day of the row's `created_at`: a Mipyme enrols the day it is registered."""
    created = context.get_current_parameters().get("created_at") or utcnow()
    zone = ZoneInfo(current_app.config["FIELDWORK_TIMEZONE"] if has_app_context() else "America/Bogota")
    return created.astimezone(zone).date()


def _folded_name(context: DefaultExecutionContext) -> str:
    return folded_name(context.get_current_parameters().get("name"))


class Mipyme(db.Model):
    __tablename__ = "mipymes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    # `name` folded by fieldwork.text.search.fold, for searches that ignore case and accents; kept on
    # every write: ORM assignments by `_keep_search_name`, Core inserts by the column default.
    search_name: Mapped[str] = mapped_column(String(SEARCH_NAME_LENGTH), index=True,
                                             default=_folded_name)
    # Stored without dots, with the check digit after a dash: "900.123.456-8" -> "900123456-8".
    nit: Mapped[str | None] = mapped_column(String(16), unique=True)
    sector: Mapped[str] = mapped_column(String(32), index=True)
    owner_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    neighborhood: Mapped[str] = mapped_column(String(120), default="", index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The day the business joined the programme: no visit before it. A programme that registers its
    # businesses late sets it back so that earlier visits can be recorded (API.md).
    enrolled_on: Mapped[date] = mapped_column(Date, default=registration_day)
    # The owner code (fieldwork/owners/owner_code.py): a werkzeug password hash, never the code itself;
    # NULL until a supervisor or admin generates one. A new one replaces it.
    owner_code_hash: Mapped[str | None] = mapped_column(String(255))
    owner_code_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The business's main activity: a 4-digit class of CIIU Rev. 4 A.C. (fieldwork/ciiu/__init__.py);
    # its section and macro-sector follow from it.
    ciiu: Mapped[str | None] = mapped_column(String(4), index=True)
    # The latest of its status history (models.programme.MipymeStatusChange), kept here for filters.
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active", index=True)
    # The day it left the programme (graduated, closed, withdrawn or moved); NULL while active.
    exited_on: Mapped[date | None] = mapped_column(Date)

    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id])

    @validates("name")
    def _keep_search_name(self, _key: str, name: str) -> str:
        self.search_name = folded_name(name)
        return name

    @property
    def has_owner_code(self) -> bool:
        """Whether a supervisor or admin has generated the owner code (fieldwork/owners/owner_code.py)."""
        return self.owner_code_hash is not None

    def __repr__(self) -> str:
        return f"<Mipyme {self.id} {self.name}>"
