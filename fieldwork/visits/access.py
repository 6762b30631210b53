"""Who may see which visits: one rule for pages, API, photos and exports."""
from __future__ import annotations

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from fieldwork.extensions import db
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


def stored_id(text: str) -> str:
    """A visit's or a photo's id from a URL as it is stored: UUIDs are kept lower-case, so any case of one
    names the same row (and nothing longer than a UUID reaches the database)."""
    return text.lower()[:36]


def visit_or_404(visit_id: str, viewer: User | None = None) -> Visit:
    """The visit with its photos, or 404: when there is none, or when `viewer` may not see it (its
    existence must not leak)."""
    visit = db.session.get(Visit, stored_id(visit_id), options=[selectinload(Visit.photos)])
    if visit is None or (viewer is not None and not can_see_visit(viewer, visit)):
        abort(404)
    return visit



