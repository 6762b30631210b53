"""The kept per-Mipyme results rows (`mipyme_results`): each Mipyme's baseline and latest value of each
indicator over its counting visits up to now, so that the results of today read one row per Mipyme and
indicator instead of every visit, and those of a past day search the visits only for the Mipymes whose
latest came after it (`ends_on`).

fieldwork/mipymes/projection.py calls `refresh` just before every commit that wrote visits (or
touched Mipymes), for the Mipymes touched: per chunk of Mipymes two statements (a DELETE, an
INSERT … SELECT), where each end is a correlated `ORDER BY visited_at LIMIT 1` over the visits'
index, so its cost does not grow with a Mipyme's history when the Mipyme answers the indicator; for an
indicator no built-in figure feeds, the search reads only the visits of the form versions that feed it
(queries.answerable). The same refresh writes the chunk's follow-ups (follow_ups.py: one search per
follow-up) and monthly sales (monthly.py: a window over its visits that report sales), which do grow
with the history, in four more statements. The statements are built once per set of form versions'
feeds (and so compiled once by SQLAlchemy's cache). `rebuild` recomputes every row with one window over
the visits (`flask summary rebuild`).

definitions.ends also drops visits before the Mipyme's `enrolled_on`; the SQL here need not, because
none is ever stored: sync refuses a visit dated before it and the registry refuses moving it past the
first visit (fieldwork/registry/services.py). Comparing days would need the programme zone in SQL.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, delete, false, func, insert, literal, select, union_all

from fieldwork.clock import programme_zone, start_of_day
from fieldwork.models import Mipyme, Visit
from fieldwork.models.programme import MipymeResultRow
from fieldwork.results import follow_ups, monthly, queries
from fieldwork.results.catalogue import CODES

CHUNK = 500
ROWS = MipymeResultRow.__table__
COLUMNS = tuple(c.name for c in ROWS.columns)


def refresh(connection: Any, mipyme_ids: Iterable[int]) -> None:
    """Delete and insert again the rows of these Mipymes (their follow-ups' and monthly sales' too), in
    the current transaction."""
    ids = sorted({int(i) for i in mipyme_ids if i is not None})
    if not ids:
        return
    feeds = queries.feeds_by_version(connection)
    delete_rows, insert_rows = _statements(_feeds_key(feeds), connection.dialect.name)
    for start in range(0, len(ids), CHUNK):
        chunk = {"ids": ids[start:start + CHUNK]}
        connection.execute(delete_rows, chunk)
        # The sales rows' ends are the span of months the monthly sales cover (no statement to ask it).
        sales = [(row.baseline_at, row.latest_at) for row in connection.execute(insert_rows, chunk)
                 if row.code == monthly.SALES]
        follow_ups.refresh(connection, chunk["ids"])
        span = (min(b for b, _ in sales), max(latest for _, latest in sales)) if sales else None
        monthly.refresh(connection, chunk["ids"], feeds, span)


def _feeds_key(feeds: dict[int, dict[str, Any]]) -> tuple[Any, ...]:
    return tuple(sorted((version_id, tuple(sorted(version.items()))) for version_id, version in feeds.items()))


@lru_cache(maxsize=8)
def _statements(feeds_key: tuple[Any, ...], dialect: str) -> tuple[Any, Any]:
    """DELETE and INSERT … SELECT of the rows of the Mipymes `:ids`: each Mipyme's two ends per code,
    found by two index searches (its earliest and its latest counting visit that answers the code)."""
    feeds = {version_id: dict(items) for version_id, items in feeds_key}
    ids = bindparam("ids", expanding=True)
    visits = Visit.__table__
    mipymes = select(Mipyme.id.label("mipyme_id")).where(Mipyme.id.in_(ids)).cte("touched")
    parts = []
    for code in CODES:
        v = visits.alias("v")
        value = queries.value_expression(code, feeds, v, dialect)
        if value is None:
            continue  # nothing feeds it: no rows

        def end(ascending: bool, v: Any = v, value: Any = value, code: str = code) -> Any:
            order = (v.c.visited_at, v.c.id) if ascending else (v.c.visited_at.desc(), v.c.id.desc())
            return (select(v.c.id).where(v.c.mipyme_id == mipymes.c.mipyme_id, queries.answerable(code, feeds, v),
                                         queries.counting(v), value.is_not(None))
                    .order_by(*order).limit(1).correlate(mipymes).scalar_subquery())

        ends = select(mipymes.c.mipyme_id, end(True).label("baseline"), end(False).label("latest")).subquery()
        first, last = visits.alias("first"), visits.alias("last")
        parts.append(select(ends.c.mipyme_id, literal(code, String), first.c.id, first.c.visited_at,
                            queries.value_expression(code, feeds, first, dialect),
                            last.c.id, last.c.visited_at, queries.value_expression(code, feeds, last, dialect))
                     .join_from(ends, first, first.c.id == ends.c.baseline).join(last, last.c.id == ends.c.latest))
    return (delete(ROWS).where(ROWS.c.mipyme_id.in_(ids)),
            insert(ROWS).from_select(COLUMNS, union_all(*parts)).returning(ROWS.c.code, ROWS.c.baseline_at,
                                                                          ROWS.c.latest_at))


def window_rows(connection: Any, until: date | None = None, mipymes: Any = None) -> Any:
    """The rows as one window over the visits computes them, for the Mipymes whose ids `mipymes` gives
    (a select or a list; None: all), latest on or before the day `until` (None: every visit)."""
    v = Visit.__table__
    where = [queries.counting(v)]
    if until is not None:
        where.append(v.c.visited_at < start_of_day(until + timedelta(days=1), programme_zone()))
    if mipymes is not None:
        where.append(v.c.mipyme_id.in_(mipymes))
    return queries.window_ends(queries.answered_visits(queries.feeds_by_version(connection), *where))


def rebuild(connection: Any) -> int:
    """Every row recomputed from the visits (the follow-ups' and the monthly sales' too); returns how
    many results rows there are."""
    connection.execute(delete(ROWS))
    connection.execute(insert(ROWS).from_select(COLUMNS, window_rows(connection)))
    follow_ups.rebuild(connection)
    monthly.rebuild(connection)
    return connection.execute(select(func.count()).select_from(ROWS)).scalar_one()


def ends_on(connection: Any, as_of: date, mipymes: Any) -> Any:
    """The rows on a past day `as_of`, for the Mipymes whose ids `mipymes` gives (a select or a list),
    from the kept rows: a Mipyme's baseline up to `as_of` is its kept baseline when that came by then
    (else it has none yet); its latest is the kept latest when that came by then too, else its latest
    counting visit that answers the code up to `as_of`: one search of the (mipyme_id, visited_at) index
    backwards from that day, which stops at the kept baseline at the latest, then that visit by its key.
    (A join to the visits for those rows let PostgreSQL hash every visit; OFFSET 0 keeps the search
    from being run once per column that reads it.)"""
    end = start_of_day(as_of + timedelta(days=1), programme_zone())
    feeds, dialect, k = queries.feeds_by_version(connection), connection.dialect.name, ROWS
    parts = []
    for code in CODES:
        v, last = Visit.__table__.alias("v"), Visit.__table__.alias("last")
        value = queries.value_expression(code, feeds, v, dialect)
        if value is None:
            continue
        known = (k.c.code == code, k.c.mipyme_id.in_(mipymes), k.c.baseline_at < end)
        parts.append(select(k).where(*known, k.c.latest_at < end))
        search = (select(v.c.id).where(v.c.mipyme_id == k.c.mipyme_id, queries.answerable(code, feeds, v),
                                      v.c.visited_at < end, queries.counting(v), value.is_not(None))
                  .order_by(v.c.visited_at.desc(), v.c.id.desc()).limit(1).correlate(k).scalar_subquery())
        found = select(k.c.mipyme_id, k.c.code, k.c.baseline_visit_id, k.c.baseline_at, k.c.baseline_value,
                       search.label("found")).where(*known, k.c.latest_at >= end).offset(0).subquery("found")

        def of_found(column: Any, last: Any = last, found: Any = found) -> Any:
            return select(column).where(last.c.id == found.c.found).scalar_subquery()

        r = found.c
        parts.append(select(r.mipyme_id, r.code, r.baseline_visit_id, r.baseline_at, r.baseline_value,
                            r.found.label("latest_visit_id"), of_found(last.c.visited_at).label("latest_at"),
                            of_found(queries.value_expression(code, feeds, last, dialect)).label("latest_value")))
    if not parts:
        return select(ROWS).where(false())
    return union_all(*parts)
