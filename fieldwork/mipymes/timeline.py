"""One Mipyme's visits a page at a time, and its figures over its latest visits: what the
supervisor's Mipyme page and the owner's home show, at a cost that does not grow with its history.

The page is a keyset range of the (mipyme_id, visited_at) index and its count is the summary row's;
the charts read the figures of the latest `TREND_VISITS` visits only (one LIMIT query).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import selectinload

from fieldwork.clock import local_date, programme_zone
from fieldwork.extensions import db
from fieldwork.mipymes.summary import FIGURES
from fieldwork.models import Visit
from fieldwork.web import charts
from fieldwork.web.keyset import Key, Page, PageRequest, keyset_page

PER_PAGE = 20
MAX_PER_PAGE = 100
TREND_VISITS = 24


def visit_page(mipyme_id: int, request: PageRequest, total: int) -> Page:
    """A page of the Mipyme's visits, newest first, officers and photos loaded in two more queries;
    `total` is its visit count (the summary row's, so no count query)."""
    query = (select(Visit).where(Visit.mipyme_id == mipyme_id)
             .options(selectinload(Visit.photos), selectinload(Visit.officer)))
    page = keyset_page(query, Visit.visited_at, Visit.id, lambda row: Key(row.Visit.visited_at, row.Visit.id),
                       request, total=total)
    page.items = [row.Visit for row in page.items]
    return page


def page_around(visit: Visit, per_page: int, total: int) -> Page:
    """The page that starts with `visit` (to show it again with its form's errors), numbered by its place."""
    newer = db.session.scalar(
        select(func.count()).select_from(Visit)
        .where(Visit.mipyme_id == visit.mipyme_id, tuple_(Visit.visited_at, Visit.id) > (visit.visited_at, visit.id))
    ) or 0
    request = PageRequest(per_page, at=Key(visit.visited_at, visit.id), number=newer // per_page + 1)
    return visit_page(visit.mipyme_id, request, total)


def trends(mipyme_id: int, titles: dict[str, str], formats: dict[str, Callable[[int], str]]) -> list[dict[str, Any]]:
    """A small line chart per figure over the latest visits, oldest first, with its points for a table."""
    rows = db.session.execute(
        select(Visit.visited_at, *(getattr(Visit, name) for name in FIGURES))
        .where(Visit.mipyme_id == mipyme_id)
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
        .limit(TREND_VISITS)
    ).all()[::-1]
    zone = programme_zone()
    result = []
    for index, name in enumerate(FIGURES, start=1):
        points = [(format_date(local_date(row[0], zone), "d MMM yy"), row[index]) for row in rows
                  if row[index] is not None]
        svg = charts.line(points, title=titles[name], fmt=formats[name], desc=_(
            "Valor registrado en cada una de las últimas %(n)d visitas, de la más antigua a la más reciente.",
            n=TREND_VISITS))
        result.append({"name": name, "title": titles[name], "svg": svg, "points": points, "fmt": formats[name]})
    return result
