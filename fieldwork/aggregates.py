"""Per-Mipyme aggregates in SQL: counts, latest visit, its figures and their change, flags.

A page of Mipymes costs two queries whatever its size (one count, one page), on SQLite and
PostgreSQL alike: window functions rank each Mipyme's visits, and the flags are SQL conditions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, func, literal, select

from fieldwork.extensions import db
from fieldwork.flags import FLAG_CODES, FlagDay, flag_conditions
from fieldwork.models import Mipyme, Visit

FIGURES = ("production_units", "monthly_sales_cop", "employees")


@dataclass
class MipymeSummary:
    mipyme: Mipyme
    visit_count: int
    last_visit_at: datetime | None
    next_follow_up_due: date | None
    follow_up_reason: str | None
    open_disputes: int
    flags: list[str]
    latest: dict[str, int | None] = field(default_factory=dict)
    change: dict[str, int | None] = field(default_factory=dict)


def _ranked_visits() -> Any:
    order = (Visit.visited_at.desc(), Visit.id.desc())
    return select(
        Visit.mipyme_id,
        Visit.visited_at,
        Visit.follow_up_due,
        Visit.follow_up_reason,
        *(getattr(Visit, name) for name in FIGURES),
        func.row_number().over(partition_by=Visit.mipyme_id, order_by=order).label("rn"),
        func.count().over(partition_by=Visit.mipyme_id).label("visit_count"),
    ).subquery("ranked")


def summary_query(base: Select[tuple[Mipyme]], day: FlagDay) -> tuple[Select[Any], dict[str, Any]]:
    """`base` (a select of Mipymes) joined to its aggregates; returns the query and its flag conditions."""
    ranked = _ranked_visits()
    latest = select(ranked).where(ranked.c.rn == 1).subquery("latest")
    previous = select(ranked).where(ranked.c.rn == 2).subquery("previous")
    disputes = (
        select(Visit.mipyme_id, func.count().label("open_disputes"))
        .where(Visit.owner_confirmation == "disputed", Visit.dispute_resolved_at.is_(None))
        .group_by(Visit.mipyme_id)
        .subquery("disputes")
    )
    open_disputes = func.coalesce(disputes.c.open_disputes, 0)
    conditions = flag_conditions(latest, open_disputes, day)
    query = (
        base.add_columns(
            func.coalesce(latest.c.visit_count, 0).label("visit_count"),
            latest.c.visited_at.label("last_visit_at"),
            latest.c.follow_up_due.label("next_follow_up_due"),
            latest.c.follow_up_reason.label("follow_up_reason"),
            open_disputes.label("open_disputes"),
            *(latest.c[name].label(f"latest_{name}") for name in FIGURES),
            *(previous.c[name].label(f"previous_{name}") for name in FIGURES),
            *(case((cond, literal(1)), else_=literal(0)).label(f"flag_{code}") for code, cond in conditions.items()),
        )
        .outerjoin(latest, latest.c.mipyme_id == Mipyme.id)
        .outerjoin(previous, previous.c.mipyme_id == Mipyme.id)
        .outerjoin(disputes, disputes.c.mipyme_id == Mipyme.id)
    )
    return query, conditions


def _to_summary(row: Any) -> MipymeSummary:
    latest = {name: getattr(row, f"latest_{name}") for name in FIGURES}
    previous = {name: getattr(row, f"previous_{name}") for name in FIGURES}
    change = {
        name: (latest[name] - previous[name]) if latest[name] is not None and previous[name] is not None else None
        for name in FIGURES
    }
    return MipymeSummary(
        mipyme=row[0],
        visit_count=row.visit_count,
        last_visit_at=row.last_visit_at,
        next_follow_up_due=row.next_follow_up_due,
        follow_up_reason=row.follow_up_reason,
        open_disputes=row.open_disputes,
        flags=[code for code in FLAG_CODES if getattr(row, f"flag_{code}")],
        latest=latest,
        change=change,
    )


SORTS = {
    "name": lambda q: Mipyme.name,
    "last_visit": lambda q: q.selected_columns.last_visit_at,
    "visits": lambda q: q.selected_columns.visit_count,
    "follow_up": lambda q: q.selected_columns.next_follow_up_due,
}


def summarise(
    base: Select[tuple[Mipyme]],
    day: FlagDay,
    flag: str | None = None,
    page: int = 1,
    per_page: int = 100,
    sort: str = "name",
    descending: bool = False,
) -> tuple[list[MipymeSummary], int]:
    """One page of summaries and the total matching, in two queries."""
    query, conditions = summary_query(base, day)
    if flag is not None:
        query = query.where(conditions[flag])
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    key = SORTS.get(sort, SORTS["name"])(query)
    ordering = key.desc() if descending else key.asc()
    rows = db.session.execute(
        query.order_by(ordering.nulls_last() if sort != "name" else ordering, Mipyme.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return [_to_summary(row) for row in rows], total


def summarise_one(mipyme_id: int, day: FlagDay) -> MipymeSummary | None:
    query, _conditions = summary_query(select(Mipyme).where(Mipyme.id == mipyme_id), day)
    row = db.session.execute(query).first()
    return _to_summary(row) if row is not None else None


def all_flag_counts(base: Select[tuple[Mipyme]], day: FlagDay) -> dict[str, int]:
    """How many of `base`'s Mipymes carry each flag, in one query."""
    query, conditions = summary_query(base, day)
    sub = query.subquery()
    counts = db.session.execute(
        select(*(func.coalesce(func.sum(sub.c[f"flag_{code}"]), 0).label(code) for code in FLAG_CODES))
    ).one()
    return {code: int(getattr(counts, code)) for code in FLAG_CODES}



