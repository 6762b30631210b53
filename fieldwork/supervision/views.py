from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy import select

from fieldwork.aggregates import all_flag_counts, summarise
from fieldwork.clock import flag_day
from fieldwork.models import Mipyme
from fieldwork.security import roles_required
from fieldwork.supervision import bp


@bp.get("/")
@roles_required("supervisor", "admin")
def dashboard() -> Any:
    """Headline counts and the Mipymes that need attention."""
    day = flag_day()
    base = select(Mipyme).where(Mipyme.active.is_(True))
    counts = all_flag_counts(base, day)
    summaries, total = summarise(base, day, per_page=1000)
    return render_template("supervision/dashboard.html", counts=counts, summaries=summaries, total=total)
