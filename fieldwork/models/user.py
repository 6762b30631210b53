from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldwork.extensions import db
from fieldwork.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from fieldwork.models.mipyme import Mipyme

ROLES = ("officer", "supervisor", "owner", "admin")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16), index=True)
    # An owner account speaks for exactly one Mipyme.
    mipyme_id: Mapped[int | None] = mapped_column(ForeignKey("mipymes.id", use_alter=True), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Sessions are signed cookies the server cannot delete, so each one carries this number and is
    # honoured only while it matches: logging out or changing the password ends every earlier session.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set when someone else chose the password (an admin creating or resetting the account): until the
    # user picks their own, the session reaches only the password page (fieldwork/auth/session.py).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    mipyme: Mapped[Mipyme | None] = relationship(foreign_keys=[mipyme_id])

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at login and on each request
        return bool(self.active)

    def get_id(self) -> str:
        """What the session cookie keeps: the id and the generation it was issued under."""
        return f"{self.id}.{self.session_generation or 0}"

    def end_all_sessions(self) -> None:
        self.session_generation = (self.session_generation or 0) + 1

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
