from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user


from fieldwork.aggregates import summarise
from fieldwork.clock import flag_day
from fieldwork.models import Mipyme
from fieldwork.registry.services import visible_mipymes
from fieldwork.security import roles_required
from fieldwork.visits import bp


@bp.get("/")
@roles_required("officer")
def home() -> Any:
    """The officer's home: their assigned Mipymes and what each needs."""
    query = visible_mipymes(current_user).where(Mipyme.active.is_(True))
    summaries, total = summarise(query, flag_day(), per_page=1000)
    return render_template("visits/home.html", summaries=summaries, total=total)


