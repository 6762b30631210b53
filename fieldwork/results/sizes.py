"""Size bands of Decreto 957 de 2019 in SQL (the rule: definitions.annual_revenue, definitions.band).

A Mipyme's band on a day reads its counting visits' sales of the 365 days up to that day, the latest of
each calendar month, from the kept monthly rows (monthly.py).
Its band at its baseline is the band of its baseline sales figure on the baseline visit's day (the window
up to that visit holds that visit alone: no counting visit that reports sales comes before it).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, literal, null, select

from fieldwork.clock import programme_zone
from fieldwork.extensions import db
from fieldwork.models import Mipyme
from fieldwork.results import definitions, monthly, queries

SALES = "sales_month_cop"
KNOWN = (*definitions.BANDS, "grande")


def _exact(value: float | None) -> int | float | None:
    return None if value is None else int(value) if float(value).is_integer() else value


def latest_bands(mipyme_ids: list[int], as_of: date, uvt: dict[int, int] | None = None) -> dict[int, dict[str, Any]]:
    """{id: {"band", "annual_revenue_cop", "uvt_year"}} on `as_of`."""
    if not mipyme_ids:
        return {}
    m = Mipyme.__table__
    revenue = monthly.revenue(mipyme_ids, as_of)
    uvt = queries.uvt_table() if uvt is None else uvt
    rows = db.session.execute(select(m.c.id, queries.macro_sector_expression(m.c.ciiu), revenue.c.revenue)
                              .outerjoin(revenue, revenue.c.mipyme_id == m.c.id).where(m.c.id.in_(mipyme_ids)))
    return {mipyme_id: definitions.size_band(macro, _exact(value), as_of, uvt) for mipyme_id, macro, value in rows}


def mipyme_bands(macros: dict[int, str | None], as_of: date, sales_ends: dict[int, Any]) -> dict[int, dict[str, Any]]:
    """{id: {"baseline": band, "latest": band}} of the Mipymes `macros` names (id: macro-sector), the
    baseline from each one's sales ends row."""
    uvt, zone = queries.uvt_table(), programme_zone()
    latest = latest_bands(list(macros), as_of, uvt)
    result = {}
    for mipyme_id, macro in macros.items():
        row = sales_ends.get(mipyme_id)
        baseline = definitions.size_band(macro, None, as_of, uvt) if row is None else definitions.size_band(
            macro, _exact(12 * row["baseline_value"]), row["baseline_at"].astimezone(zone).date(), uvt)
        result[mipyme_id] = {"baseline": baseline, "latest": latest[mipyme_id]}
    return result


def band_pairs(mipyme_ids: Any, ends: Any, as_of: date) -> Any:
    """(before, now, n): how many of those Mipymes have each pair of bands, at their baseline and on
    `as_of`, among those whose band is known at both (API.md's `size_bands`; `fold` shapes it)."""
    zone = programme_zone()
    m = Mipyme.__table__
    uvt = queries.uvt_table()
    year = definitions.uvt_year(uvt, as_of.year)
    macro = queries.macro_sector_expression(m.c.ciiu)
    revenue = monthly.revenue(mipyme_ids, as_of)
    sales = select(ends.c.mipyme_id, ends.c.baseline_value, ends.c.baseline_at).where(ends.c.code == SALES).subquery()
    bands = select(
        queries.band_expression(macro, 12 * sales.c.baseline_value,
                                queries.uvt_expression(sales.c.baseline_at, uvt, zone)).label("before"),
        queries.band_expression(macro, revenue.c.revenue, literal(uvt[year]) if year else null()).label("now"),
    ).select_from(m).join(sales, sales.c.mipyme_id == m.c.id).outerjoin(
        revenue, revenue.c.mipyme_id == m.c.id).where(m.c.id.in_(mipyme_ids)).subquery("bands")
    return select(bands.c.before, bands.c.now, func.count().label("n")).where(
        bands.c.before != "unknown", bands.c.now != "unknown").group_by(bands.c.before, bands.c.now)


def fold(pairs: list[tuple[str, str, int]]) -> dict[str, Any]:
    """API.md's `size_bands` from the (before, now, n) rows."""
    result: dict[str, Any] = {"baseline": dict.fromkeys(KNOWN, 0), "latest": dict.fromkeys(KNOWN, 0),
                              "moved_up": 0, "moved_down": 0}
    for before, now, n in pairs:
        result["baseline"][before] += n
        result["latest"][now] += n
        if KNOWN.index(now) > KNOWN.index(before):
            result["moved_up"] += n
        elif KNOWN.index(now) < KNOWN.index(before):
            result["moved_down"] += n
    return result
