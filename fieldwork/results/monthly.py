"""The monthly sales the size band's annual revenue averages (definitions.annual_revenue): each Mipyme's
latest counting visit that reports `sales_month_cop`, per calendar month of the programme zone, kept in
`result_monthly_sales` with every visit write (kept.py), so a day's size bands read about twelve narrow
rows per Mipyme instead of a year of visits.

A month's latest visit is the one the 365-day window up to a day takes for that month, when the window
holds it: the window's first month is cut at its first day, and a month whose latest visit came before
that day has no visit in the window at all. Only the month of the day asked can hold a visit later than
that day (a past day); for it alone the latest visit up to that day is searched on the visits (one index
search per Mipyme).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, case, delete, func, insert, literal, null, select, union_all

from fieldwork.clock import programme_zone, start_of_day
from fieldwork.models import Visit
from fieldwork.results import definitions, queries
from fieldwork.results.tables import MONTHLY_SALES

SALES = "sales_month_cop"
COLUMNS = tuple(c.name for c in MONTHLY_SALES.columns)


def _months(first: datetime, last: datetime) -> list[date]:
    zone = programme_zone()
    month, end = first.astimezone(zone).date().replace(day=1), last.astimezone(zone).date()
    months = []
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _insert(connection: Any, where: Any, feeds: Any, span: tuple[datetime, datetime]) -> None:
    """Insert the rows of the counting visits matching `where` that report sales, all within `span`
    (the first and the last of them): one window over them, months told apart by a CASE over the
    instants they begin."""
    v = Visit.__table__
    value = queries.value_expression(SALES, feeds, v, connection.dialect.name)
    zone = programme_zone()
    month = case(*((v.c.visited_at >= start_of_day(m, zone), literal(m, Date))
                   for m in reversed(_months(*span))), else_=null())
    ranked = select(v.c.mipyme_id, month.label("month"), v.c.id, v.c.visited_at, value.label("value"),
                    func.row_number().over(partition_by=(v.c.mipyme_id, month),
                                           order_by=(v.c.visited_at.desc(), v.c.id.desc())).label("rn")
                    ).where(where, queries.counting(v), value.is_not(None)).subquery("ranked")
    r = ranked.c
    connection.execute(insert(MONTHLY_SALES).from_select(
        COLUMNS, select(r.mipyme_id, r.month, r.id, r.visited_at, r.value).where(r.rn == 1)))


def refresh(connection: Any, mipyme_ids: list[int], feeds: Any, span: tuple[datetime, datetime] | None) -> None:
    """The rows of these Mipymes again; `span`: their first and last counting visits that report sales
    (their kept sales ends), None when none does."""
    connection.execute(delete(MONTHLY_SALES).where(MONTHLY_SALES.c.mipyme_id.in_(mipyme_ids)))
    if span is not None:
        _insert(connection, Visit.__table__.c.mipyme_id.in_(mipyme_ids), feeds, span)


def rebuild(connection: Any) -> None:
    connection.execute(delete(MONTHLY_SALES))
    feeds, v = queries.feeds_by_version(connection), Visit.__table__
    value = queries.value_expression(SALES, feeds, v, connection.dialect.name)
    span = tuple(connection.execute(select(func.min(v.c.visited_at), func.max(v.c.visited_at)).where(
        queries.counting(v), value.is_not(None))).one())
    if span[0] is not None:
        _insert(connection, v.c.id.is_not(None), feeds, span)


def revenue(mipyme_ids: Any, as_of: date) -> Any:
    """(mipyme_id, revenue): 12 × the mean of each month's latest sales in the 365 days up to `as_of`."""
    zone, s = programme_zone(), MONTHLY_SALES
    start = start_of_day(definitions.window_start(as_of), zone)
    end = start_of_day(as_of + timedelta(days=1), zone)
    kept = select(s.c.mipyme_id, s.c.value).where(s.c.mipyme_id.in_(mipyme_ids), s.c.visited_at >= start,
                                                   s.c.visited_at < end)
    # The month of `as_of` whose kept visit came after it: its latest visit up to `as_of`, if any.
    v, found = Visit.__table__.alias("v"), Visit.__table__.alias("found")
    feeds = queries.feeds_by_version()
    value = queries.value_expression(SALES, feeds, v)
    latest_id = select(v.c.id).where(
        v.c.mipyme_id == s.c.mipyme_id, queries.counting(v), value.is_not(None),
        v.c.visited_at >= start_of_day(as_of.replace(day=1), zone), v.c.visited_at < end,
    ).order_by(v.c.visited_at.desc(), v.c.id.desc()).limit(1).correlate(s).scalar_subquery()
    searched = select(s.c.mipyme_id, queries.value_expression(SALES, feeds, found).label("value")).join_from(
        s, found, found.c.id == latest_id).where(s.c.mipyme_id.in_(mipyme_ids), s.c.month == as_of.replace(day=1),
                                              s.c.visited_at >= end)
    monthly = union_all(kept, searched).subquery("monthly")
    return select(monthly.c.mipyme_id, (12 * func.sum(monthly.c.value) / func.count()).label("revenue")).group_by(
        monthly.c.mipyme_id).subquery("revenue")
