"""Programme results, as the API, the results page, the exports and OData ask for them (API.md,
"Programme results"). The rules are fieldwork/results/definitions.py; their SQL is queries.py.

Every number is a SQL aggregate over kept rows (kept.py, follow_ups.py, monthly.py; the verification
counts in the summary rows, fieldwork/mipymes/summary.py), none over every visit, except on a past day:
there each Mipyme's ends are its kept ones unless its kept latest came after that day, when one index
search finds its latest up to then (kept.ends_on), and the verification counts read the visits up to
that day. Follow-ups kept on time and size bands read their kept rows, any day.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Float, Integer, String, and_, case, func, literal, null, select, true, union_all

from fieldwork.clock import programme_zone, start_of_day, today
from fieldwork.extensions import db
from fieldwork.models import Mipyme, MipymeSummaryRow, User, Visit
from fieldwork.models.programme import MIPYME_STATUSES
from fieldwork.results import definitions, follow_ups, kept, queries, sizes
from fieldwork.results.catalogue import BY_CODE, CODES, INDICATORS
from fieldwork.web.device import independent_confirmation

PAGE = 500


@dataclass(frozen=True)
class ResultFilters:
    """Which businesses, seen on which day. None: no filter (as_of None: today in FIELDWORK_TIMEZONE)."""

    as_of: date | None = None
    sector: str | None = None
    macro_sector: str | None = None
    neighborhood: str | None = None
    officer_id: int | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    status: str | None = None


def day_asked(filters: ResultFilters) -> date:
    return filters.as_of or today(programme_zone())


def filtered(filters: ResultFilters) -> Any:
    """The Mipymes of the filters, enrolled by the day asked (status and sector as they are now)."""
    m = Mipyme.__table__
    conditions = [m.c.enrolled_on <= day_asked(filters)]
    for name in ("sector", "neighborhood", "officer_id", "status"):
        if getattr(filters, name) is not None:
            conditions.append(m.c[name] == getattr(filters, name))
    if filters.macro_sector is not None:
        conditions.append(queries.macro_sector_expression(m.c.ciiu) == filters.macro_sector)
    if filters.enrolled_from is not None:
        conditions.append(m.c.enrolled_on >= filters.enrolled_from)
    if filters.enrolled_to is not None:
        conditions.append(m.c.enrolled_on <= filters.enrolled_to)
    return select(m.c.id).where(*conditions)


def ends(as_of: date, mipyme_ids: Any) -> Any:
    """(mipyme_id, code, baseline_*, latest_*) of those Mipymes on `as_of`: the kept rows, or on a past
    day what they say of it."""
    if as_of >= today(programme_zone()):
        rows = kept.ROWS
        return select(rows).where(rows.c.mipyme_id.in_(mipyme_ids)).subquery("ends")
    return kept.ends_on(db.session.connection(), as_of, mipyme_ids).subquery("ends")


def programme_results(filters: ResultFilters) -> dict[str, Any]:
    """The body of `GET /api/v1/results` for these filters, exactly as API.md shapes it."""
    as_of = day_asked(filters)
    ids = filtered(filters)
    by_status = dict(db.session.execute(
        select(Mipyme.status, func.count()).where(Mipyme.id.in_(ids)).group_by(Mipyme.status)).all())
    verification, visited = _verification(ids, as_of)
    with_change, indicators, bands = _from_ends(ends(as_of, ids), ids, as_of)
    return {
        "as_of": as_of.isoformat(),
        "businesses": {"enrolled": sum(by_status.values()), "active": by_status.get("active", 0),
                       "visited": visited, "with_change": with_change,
                       "by_status": {status: by_status.get(status, 0) for status in MIPYME_STATUSES}},
        "indicators": indicators,
        "size_bands": bands,
        "verification": verification,
    }


def _from_ends(table: Any, ids: Any, as_of: date) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    """Everything read from the Mipymes' ends, in one statement (on a past day the ends are a window
    over the visits: computed once, as a CTE). Its rows: ("changed", n) businesses with a change;
    ("indicator", code, n, totals, improved, worsened, unchanged, medians) per code (medians by window
    functions: each code's middle rows); ("band", before, now, n) per pair of size bands."""
    table = select(table).cte("ends")
    changed = table.c.baseline_visit_id != table.c.latest_visit_id
    per_code = {"partition_by": table.c.code}
    ranked = select(table.c.code, table.c.baseline_value.label("b"), table.c.latest_value.label("l"),
                    func.row_number().over(**per_code, order_by=table.c.baseline_value).label("rb"),
                    func.row_number().over(**per_code, order_by=table.c.latest_value).label("rl"),
                    func.count().over(**per_code).label("n")).where(changed).subquery("changed")
    r = ranked.c
    middle = ((r.n + 1) // 2, (r.n + 2) // 2)  # one row when odd, two when even

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    text, number, whole = (lambda: null().cast(String)), (lambda: null().cast(Float)), (lambda: null().cast(Integer))
    pairs = sizes.band_pairs(ids, table, as_of).subquery("pairs")
    rows = db.session.execute(union_all(
        select(literal("changed"), text(), text(), func.count(table.c.mipyme_id.distinct()), number(), number(),
               whole(), whole(), whole(), number(), number()).where(changed),
        select(literal("indicator"), r.code, text(), func.count(), func.sum(r.b), func.sum(r.l),
               count(r.l > r.b), count(r.l < r.b), count(r.l == r.b),
               func.avg(case((r.rb.in_(middle), r.b))), func.avg(case((r.rl.in_(middle), r.l)))).group_by(r.code),
        select(literal("band"), pairs.c.before, pairs.c.now, pairs.c.n, number(), number(), whole(), whole(),
               whole(), number(), number()))).all()
    with_change = next((row[3] for row in rows if row[0] == "changed"), 0)
    found = {row[1]: row[3:] for row in rows if row[0] == "indicator"}
    return (with_change, [_indicator(i, found.get(i.code)) for i in INDICATORS],
            sizes.fold([(row[1], row[2], row[3]) for row in rows if row[0] == "band"]))


def _indicator(indicator: Any, row: Any) -> dict[str, Any]:
    n, b_sum, l_sum, up, down, same, b_median, l_median = row or (0, *[None] * 7)
    entry: dict[str, Any] = {"code": indicator.code, "label": str(indicator.label), "businesses_with_change": n,
                             "improved": up or 0, "worsened": down or 0, "unchanged": same or 0}
    if indicator.kind == "yes_no":
        return entry | {"baseline_yes": _int(b_sum), "latest_yes": _int(l_sum)}
    return entry | {name: definitions.plain(value) for name, value in (
        ("baseline_total", b_sum), ("latest_total", l_sum),
        ("baseline_median", b_median), ("latest_median", l_median))}


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _verification(ids: Any, as_of: date) -> tuple[dict[str, Any], int]:
    """The counting visits up to `as_of` of those Mipymes, by the owner's answer, and their visits whose
    owner's dispute is still open (they do not count until a supervisor resolves it); and how many
    Mipymes have a counting visit. Today or later, from the kept summary rows (every stored visit is on
    or before today); on a past day, from the visits up to that day. Follow-ups kept on time from their
    kept rows (follow_ups.py), any day."""
    def total(column: Any) -> Any:
        return func.coalesce(func.sum(column), 0)

    v = Visit.__table__
    if as_of >= today(programme_zone()):
        s = MipymeSummaryRow.__table__
        counts = select(total(case((s.c.counting_visits > 0, 1), else_=0)), total(s.c.counting_visits),
                        total(s.c.counting_confirmed), total(s.c.counting_independent),
                        total(s.c.counting_disputed), total(s.c.open_disputes)).where(s.c.mipyme_id.in_(ids))
    else:
        counting = queries.counting(v)

        def among_counting(condition: Any) -> Any:
            return total(case((and_(counting, condition), 1), else_=0))

        counts = select(func.count(case((counting, v.c.mipyme_id)).distinct()), among_counting(true()),
                        among_counting(v.c.owner_confirmation == "confirmed"),
                        among_counting(independent_confirmation()),
                        among_counting(v.c.owner_confirmation == "disputed"),
                        total(case((and_(v.c.owner_confirmation == "disputed", v.c.dispute_resolved_at.is_(None)),
                                    1), else_=0))).where(_up_to(ids, as_of))
    visited, visits, confirmed, independent, disputed, still_open = db.session.execute(counts).one()
    return {"counting_visits": int(visits), "owner_confirmed": int(confirmed),
            "independent_confirmations": int(independent), "disputed": int(disputed),
            "open_disputes": int(still_open),
            "follow_ups_on_time_pct": follow_ups.on_time_pct(db.session.connection(), ids, as_of)}, int(visited)


def _up_to(ids: Any, as_of: date) -> Any:
    """The visits of those Mipymes up to the end of `as_of`."""
    end = start_of_day(as_of + timedelta(days=1), programme_zone())
    return and_(Visit.__table__.c.mipyme_id.in_(ids), Visit.__table__.c.visited_at < end)


def mipyme_rows(filters: ResultFilters, after_id: int | None = None,
                limit: int | None = None) -> Iterator[dict[str, Any]]:
    """One dict per Mipyme of the filters, by id, those with id > after_id, at most `limit`:
    {"id", "name", "nit", "sector", "ciiu", "macro_sector", "neighborhood", "officer_id", "officer_name",
     "status", "enrolled_on",
     "indicators": {code: {"baseline", "latest", "baseline_on", "latest_on", "change"}},  # every code
     "size_band": {"baseline": band, "latest": band}}
    where band is {"band", "annual_revenue_cop", "uvt_year"} (size_bands' shape), values are int
    (integer indicators, pesos, yes/no as 1/0) or float, None when absent; *_on are dates (programme
    zone); change is latest - baseline, None unless both exist on two different visits.
    Read PAGE Mipymes at a time (a fixed number of statements a page)."""
    as_of, zone = day_asked(filters), programme_zone()
    m, officer = Mipyme.__table__, User.__table__
    left = limit
    while left is None or left > 0:
        size = PAGE if left is None else min(PAGE, left)
        page_ids = filtered(filters).where(m.c.id > (after_id or 0)).order_by(m.c.id).limit(size)
        mipymes = db.session.execute(select(
            m.c.id, m.c.name, m.c.nit, m.c.sector, m.c.ciiu, queries.macro_sector_expression(m.c.ciiu),
            m.c.neighborhood, m.c.officer_id, officer.c.name, m.c.status, m.c.enrolled_on).outerjoin(
            officer, officer.c.id == m.c.officer_id).where(m.c.id.in_(page_ids)).order_by(m.c.id)).all()
        if not mipymes:
            return
        ids = [row[0] for row in mipymes]
        table = ends(as_of, ids)
        found: dict[int, dict[str, Any]] = {}
        for row in db.session.execute(select(table)).mappings():
            found.setdefault(row["mipyme_id"], {})[row["code"]] = row
        bands = sizes.mipyme_bands({row[0]: row[5] for row in mipymes}, as_of,
                                   {i: found.get(i, {}).get("sales_month_cop") for i in ids})
        for row in mipymes:
            yield {**dict(zip(("id", "name", "nit", "sector", "ciiu", "macro_sector", "neighborhood", "officer_id",
                               "officer_name", "status", "enrolled_on"), row, strict=True)),
                   "indicators": {code: _ends_entry(code, found.get(row[0], {}).get(code), zone) for code in CODES},
                   "size_band": bands[row[0]]}
        after_id = ids[-1]
        if left is not None:
            left -= len(ids)


def _ends_entry(code: str, row: Any, zone: Any) -> dict[str, Any]:
    if row is None:
        return {"baseline": None, "latest": None, "baseline_on": None, "latest_on": None, "change": None}
    baseline = definitions.End(row["baseline_visit_id"], row["baseline_at"],
                               definitions.plain(row["baseline_value"]))
    latest = definitions.End(row["latest_visit_id"], row["latest_at"], definitions.plain(row["latest_value"]))
    difference = definitions.change(baseline, latest)
    return {"baseline": baseline.value, "latest": latest.value,
            "baseline_on": baseline.at.astimezone(zone).date(), "latest_on": latest.at.astimezone(zone).date(),
            "change": definitions.plain(difference) if BY_CODE[code].kind != "yes_no" else difference}


def size_bands(mipyme_ids: list[int], as_of: date | None = None) -> dict[int, dict[str, Any]]:
    """Each Mipyme's size band on `as_of` (default today): {id: {"band", "annual_revenue_cop",
    "uvt_year"}}; band "unknown" (annual_revenue_cop None) without sales in the window or without ciiu."""
    return sizes.latest_bands(list(mipyme_ids), as_of or today(programme_zone()))
