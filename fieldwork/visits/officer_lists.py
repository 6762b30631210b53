"""The officer's own lists: the returned visits to correct, and "Mis visitas" a page at a time with a search.

The search ignores case and accents by the one rule, fieldwork.text.search.fold (the phone's too). It runs
in Python over the officer's own visits (a few hundred at most) until the server has a normalised search column.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from fieldwork.extensions import db
from fieldwork.models import Mipyme, User, Visit
from fieldwork.text.search import fold
from fieldwork.visits import lifecycle
from fieldwork.visits.access import visible_visits

PER_PAGE = 25


@dataclass(frozen=True)
class Correction:
    """Why a visit came back, each part signed by who wrote it (issue 16 item 6)."""

    supervisor_name: str | None
    supervisor_said: str | None  # the review comment, or the note of a dispute resolved "owner_right"
    owner_said: str | None  # the owner's complaint, when the visit came back because the owner was right


def returned_visits(officer: User) -> list[Visit]:
    """The officer's visits a supervisor sent back, most recently returned first, each with its
    `correction` (read by the agenda card, never stored)."""
    query = (
        visible_visits(officer)
        .add_columns(User.name)
        .outerjoin(User, User.id == Visit.reviewed_by_id)
        .where(Visit.review_status == "returned")
        .options(joinedload(Visit.mipyme), selectinload(Visit.photos))
        .order_by(Visit.reviewed_at.desc().nulls_last(), Visit.visited_at.desc())
    )
    visits = []
    for visit, reviewer_name in db.session.execute(query).unique():
        owner_said = visit.owner_comment if lifecycle.upheld_dispute(visit) else None
        visit.correction = Correction(reviewer_name, visit.review_comment, owner_said)
        visits.append(visit)
    return visits


def returned_ids(officer: User) -> list[list[str | int]]:
    """`[id, revision]` of those visits: the sync bar on every page counts those the phone has not corrected
    since (a correction carries a higher revision)."""
    rows = db.session.execute(visible_visits(officer).with_only_columns(Visit.id, Visit.revision)
                              .where(Visit.review_status == "returned"))
    return [[visit_id, revision] for visit_id, revision in rows]


@dataclass(frozen=True)
class VisitPage:
    visits: list[Visit]
    total: int  # visits matching the search, all pages
    page: int
    pages: int
    query: str


def my_visits_page(officer: User, query: str = "", page: int = 1) -> VisitPage:
    """One page of the officer's visits, newest first, those matching `query` (Mipyme, neighbourhood,
    needs, notes, follow-up reason, the visit's title) when it is given."""
    base = visible_visits(officer)
    wanted = fold(query).strip()
    if wanted:
        rows = db.session.execute(
            base.with_only_columns(Visit.id, Mipyme.name, Mipyme.neighborhood, Visit.needs, Visit.notes,
                                   Visit.follow_up_reason, Visit.title)
            .join(Mipyme, Visit.mipyme_id == Mipyme.id)
            .order_by(Visit.visited_at.desc(), Visit.id)
        ).all()
        ids = [row[0] for row in rows if wanted in fold(" ".join(filter(None, row[1:])))]
        total = len(ids)
        page = _clamp(page, total)
        chosen = ids[(page - 1) * PER_PAGE: page * PER_PAGE]
        base = base.where(Visit.id.in_(chosen)) if chosen else base.where(False)
    else:
        total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
        page = _clamp(page, total)
        base = base.offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    visits = list(db.session.scalars(
        base.options(joinedload(Visit.mipyme), selectinload(Visit.photos))
        .order_by(Visit.visited_at.desc(), Visit.id)
    ))
    return VisitPage(visits=visits, total=total, page=page, pages=max(1, ceil(total / PER_PAGE)), query=query)


def _clamp(page: int, total: int) -> int:
    """A page number past the end shows the last page (a bookmark after visits moved)."""
    return min(max(page, 1), max(1, ceil(total / PER_PAGE)))
