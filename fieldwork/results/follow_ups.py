"""Follow-ups kept on time (API.md's `follow_ups_on_time_pct`): of the counting visits' follow-ups due by
the day asked, the share met by a later counting visit of the same Mipyme on or before the day due.

Whether a follow-up was met does not depend on the day asked (it was due by then, so the visit that met
it came by then too) nor on the filters: each counting visit with a follow-up keeps, in
`result_follow_ups`, the instant of its Mipyme's next counting visit, written with every visit write
(kept.py). The results read those rows alone, for any day.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select

from fieldwork.clock import programme_zone, start_of_day
from fieldwork.models import Visit
from fieldwork.results import queries
from fieldwork.results.tables import FOLLOW_UPS

COLUMNS = tuple(c.name for c in FOLLOW_UPS.columns)


def rows(where: Any) -> Any:
    """(visit_id, mipyme_id, visited_at, due, next_counting_at) of the counting visits matching `where`
    that have a follow-up: the next counting visit is one search of the (mipyme_id, visited_at) index."""
    v, later = Visit.__table__, Visit.__table__.alias("later")
    next_at = select(func.min(later.c.visited_at)).where(
        later.c.mipyme_id == v.c.mipyme_id, later.c.visited_at > v.c.visited_at,
        queries.counting(later)).scalar_subquery()
    return select(v.c.id, v.c.mipyme_id, v.c.visited_at, v.c.follow_up_due, next_at).where(
        where, queries.counting(v), v.c.follow_up_due.is_not(None))


def refresh(connection: Any, mipyme_ids: list[int]) -> None:
    """The rows of these Mipymes, again from their visits with a follow-up (one search each)."""
    connection.execute(delete(FOLLOW_UPS).where(FOLLOW_UPS.c.mipyme_id.in_(mipyme_ids)))
    connection.execute(insert(FOLLOW_UPS).from_select(COLUMNS, rows(Visit.__table__.c.mipyme_id.in_(mipyme_ids))))


def rebuild(connection: Any) -> None:
    connection.execute(delete(FOLLOW_UPS))
    connection.execute(insert(FOLLOW_UPS).from_select(COLUMNS, rows(Visit.__table__.c.id.is_not(None))))


def on_time_pct(connection: Any, mipyme_ids: Any, as_of: date) -> float | None:
    """The share (%, one decimal) of the follow-ups due by `as_of` of those Mipymes' counting visits up to
    `as_of` that were met on time; None when none was due."""
    zone, f = programme_zone(), FOLLOW_UPS
    due = and_(f.c.mipyme_id.in_(mipyme_ids), f.c.due <= as_of,
               f.c.visited_at < start_of_day(as_of + timedelta(days=1), zone))
    first = connection.execute(select(func.min(f.c.due)).where(due)).scalar_one()
    if first is None:
        return None
    days = queries.day_starts(first, as_of, zone)
    count, on_time = connection.execute(
        select(func.count(), func.coalesce(func.sum(case((f.c.next_counting_at < days.c.ends, 1), else_=0)), 0))
        .select_from(f).join(days, days.c.day == f.c.due).where(due)).one()
    return round(100 * on_time / count, 1) if count else None
