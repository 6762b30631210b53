"""Who may see which visits: one rule for pages, API, photos and exports."""
from __future__ import annotations

from sqlalchemy import Select, select

from fieldwork.models import User, Visit


def visible_visits(user: User) -> Select[tuple[Visit]]:
    """Officers see their own visits, owners the visits of their Mipyme, the office all of them."""
    query = select(Visit)
    if user.role == "officer":
        return query.where(Visit.officer_id == user.id)
    if user.role == "owner":
        return query.where(Visit.mipyme_id == user.mipyme_id)
    return query


def can_see_visit(user: User, visit: Visit) -> bool:
    if user.role in ("supervisor", "admin"):
        return True
    if user.role == "officer":
        return visit.officer_id == user.id
    return user.role == "owner" and visit.mipyme_id == user.mipyme_id



