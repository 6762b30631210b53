from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import Mipyme, Visit
from fieldwork.security import roles_required
from fieldwork.owners import bp


@bp.get("/")
@roles_required("owner")
def home() -> Any:
    """The owner's Mipyme and the visits recorded about it."""
    mipyme = db.session.get(Mipyme, current_user.mipyme_id)
    visits = db.session.scalars(
        select(Visit).where(Visit.mipyme_id == current_user.mipyme_id).order_by(Visit.visited_at.desc())
    ).all()
    return render_template("owners/home.html", mipyme=mipyme, visits=visits)
