"""The kept per-Mipyme results rows (`mipyme_results`): each Mipyme's baseline and latest value of each
indicator over its counting visits up to now, so that the results of today read one row per Mipyme and
indicator instead of every visit.

fieldwork/mipymes/projection.py calls `refresh` just before every commit that wrote visits (or
touched Mipymes), for the Mipymes touched: per chunk of Mipymes a fixed number of statements (their
enrolment days, a DELETE, an INSERT … SELECT), where each end is a correlated `ORDER BY visited_at LIMIT 1`
over the (mipyme_id, visited_at) index, so the cost does not grow with a Mipyme's history. `rebuild`
recomputes every row with one window over the visits (`flask summary rebuild`, migration 0014's data
step runs the same through the CLI).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, String, and_, column, delete, func, insert, literal, select, union_all, values

from fieldwork.clock import programme_zone, start_of_day
from fieldwork.models import Mipyme, Visit
from fieldwork.models.programme import MipymeResultRow
from fieldwork.models.types import UTCDateTime
from fieldwork.results import queries
from fieldwork.results.catalogue import CODES

CHUNK = 500
ROWS = MipymeResultRow.__table__
COLUMNS = tuple(c.name for c in ROWS.columns)


def refresh(connection: Any, mipyme_ids: Iterable[int]) -> None:
    """Delete and insert again the rows of these Mipymes, in the current transaction."""
    ids = sorted({int(i) for i in mipyme_ids if i is not None})
    if not ids:
        return
    feeds = queries.feeds_by_version(connection)
    zone = programme_zone()
    dialect = connection.dialect.name
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        enrolled = connection.execute(select(Mipyme.id, Mipyme.enrolled_on).where(Mipyme.id.in_(chunk))).all()
        connection.execute(delete(ROWS).where(ROWS.c.mipyme_id.in_(chunk)))
        if enrolled:
            since = [(mipyme_id, start_of_day(day, zone)) for mipyme_id, day in enrolled]
            connection.execute(insert(ROWS).from_select(COLUMNS, _ends_of(since, feeds, dialect)))


def _ends_of(since: list[tuple[int, Any]], feeds: Any, dialect: str) -> Any:
    """Each Mipyme's two ends per code, found by two index searches (earliest and latest answering visit)."""
    chunk = values(column("mipyme_id", Integer), column("since", UTCDateTime), name="chunk").data(since).cte("chunk")
    parts = []
    for code in CODES:
        v = Visit.__table__.alias("v")
        value = queries.value_expression(code, feeds, v, dialect)
        if value is None:
            continue  # nothing feeds it: no rows

        def end(ascending: bool, v: Any = v, value: Any = value) -> Any:
            order = (v.c.visited_at, v.c.id) if ascending else (v.c.visited_at.desc(), v.c.id.desc())
            return (select(v.c.id).where(v.c.mipyme_id == chunk.c.mipyme_id, v.c.visited_at >= chunk.c.since,
                                         queries.counting(v), value.is_not(None))
                    .order_by(*order).limit(1).correlate(chunk).scalar_subquery())

        ids = select(chunk.c.mipyme_id, end(True).label("baseline"), end(False).label("latest")).subquery()
        first, last = Visit.__table__.alias("first"), Visit.__table__.alias("last")
        parts.append(select(ids.c.mipyme_id, literal(code, String), first.c.id, first.c.visited_at,
                            queries.value_expression(code, feeds, first, dialect),
                            last.c.id, last.c.visited_at, queries.value_expression(code, feeds, last, dialect))
                     .join_from(ids, first, first.c.id == ids.c.baseline).join(last, last.c.id == ids.c.latest))
    return union_all(*parts)


def window_rows(connection: Any, until: date | None = None, mipymes: Any = None) -> Any:
    """The rows as one window over the visits computes them, for the Mipymes whose ids the select
    `mipymes` gives (None: all), latest on or before the day `until` (None: every visit). None when the
    programme has no Mipyme."""
    zone = programme_zone()
    first_day, last_day = connection.execute(select(func.min(Mipyme.enrolled_on), func.max(Mipyme.enrolled_on))).one()
    if first_day is None:
        return None
    days = queries.day_starts(first_day, last_day, zone)
    v, m = Visit.__table__, Mipyme.__table__
    where = [v.c.visited_at >= days.c.starts, queries.counting(v)]
    if until is not None:
        where.append(v.c.visited_at < start_of_day(until + timedelta(days=1), zone))
    if mipymes is not None:
        where.append(v.c.mipyme_id.in_(mipymes))
    parts = [part.join_from(v, m, v.c.mipyme_id == m.c.id).join(days, m.c.enrolled_on == days.c.day)
             for part in queries.answered_visits(queries.feeds_by_version(connection), and_(*where))]
    return queries.window_ends(parts)


def rebuild(connection: Any) -> int:
    """Every row recomputed from the visits; returns how many rows there are."""
    connection.execute(delete(ROWS))
    rows = window_rows(connection)
    if rows is not None:
        connection.execute(insert(ROWS).from_select(COLUMNS, rows))
    return connection.execute(select(func.count()).select_from(ROWS)).scalar_one()
