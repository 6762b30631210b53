"""Per-Mipyme aggregates in SQL: counts, latest visit, its figures and their change, flags.

A page of Mipymes costs two queries whatever its size (one count, one page), on SQLite and
PostgreSQL alike. Each Mipyme is joined to its summary row (fieldwork/mipymes/summary.py keeps it in step
with the visits), and the flags are SQL conditions on that row for the day asked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import aliased

from fieldwork.database import spanish_order
from fieldwork.extensions import db
from fieldwork.mipymes.flags import FLAG_CODES, FlagDay, check_flag, days_overdue, flag_conditions
from fieldwork.mipymes.summary import FIGURES
from fieldwork.models import Mipyme, MipymeSummaryRow, User


@dataclass
class MipymeSummary:
    """One Mipyme with what its visits say about it."""

    mipyme: Mipyme
    officer_name: str | None
    visit_count: int
    last_visit_at: datetime | None
    next_follow_up_due: date | None
    follow_up_reason: str | None
    flags: list[str]
    latest: dict[str, int | None] = field(default_factory=dict)
    change: dict[str, int | None] = field(default_factory=dict)

    def days_overdue(self, day: FlagDay) -> int | None:
        """Days the pending follow-up is late (0 = due today), None when none is due."""
        return days_overdue(self.next_follow_up_due, day)


# Made once: an alias made per call re-adapts each of its columns on first use, which cost more than
# running the page's query (a third of the API list's time).
_SUMMARY = aliased(MipymeSummaryRow, name="summary")
_OFFICER = aliased(User, name="officer")


@lru_cache(maxsize=4)
def _summary_columns(day: FlagDay) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The summary's columns and flag conditions for `day`, built once per day and process: building
    these expressions cost more than reading a page of 100 rows (FlagDay is frozen, so it is the key)."""
    row, officer = _SUMMARY, _OFFICER
    open_disputes = func.coalesce(row.open_disputes, 0)
    conditions = flag_conditions(row.mipyme_id, row.last_visit_at, row.next_follow_up_due, open_disputes, day)
    columns = (
        officer.name.label("officer_name"),
        func.coalesce(row.visit_count, 0).label("visit_count"),
        row.last_visit_at.label("last_visit_at"),
        row.next_follow_up_due.label("next_follow_up_due"),
        row.follow_up_reason.label("follow_up_reason"),
        *(getattr(row, f"latest_{name}").label(f"latest_{name}") for name in FIGURES),
        *(getattr(row, f"previous_{name}").label(f"previous_{name}") for name in FIGURES),
        *(case((cond, literal(1)), else_=literal(0)).label(f"flag_{code}") for code, cond in conditions.items()),
    )
    return columns, conditions


def summary_query(base: Select[tuple[Mipyme]], day: FlagDay) -> tuple[Select[Any], dict[str, Any]]:
    """`base` (a select of Mipymes) joined to its summary row; returns the query and its flag conditions.

    The row is kept in step with the visits (fieldwork/mipymes/summary.py), so this reads one row per Mipyme
    whatever its history; the flags are computed here, for the day asked."""
    columns, conditions = _summary_columns(day)
    query = (
        base.add_columns(*columns)
        .outerjoin(_SUMMARY, _SUMMARY.mipyme_id == Mipyme.id)
        .outerjoin(_OFFICER, _OFFICER.id == Mipyme.officer_id)
    )
    return query, conditions


def to_summary(row: Any) -> MipymeSummary:
    # One dict per row: reading a Row's attributes one by one cost more than running the query.
    values = dict(zip(row._fields, row, strict=True))
    latest = {name: values[f"latest_{name}"] for name in FIGURES}
    previous = {name: values[f"previous_{name}"] for name in FIGURES}
    change = {
        name: (latest[name] - previous[name]) if latest[name] is not None and previous[name] is not None else None
        for name in FIGURES
    }
    return MipymeSummary(
        mipyme=row[0],
        officer_name=values["officer_name"],
        visit_count=int(values["visit_count"]),
        last_visit_at=values["last_visit_at"],
        next_follow_up_due=values["next_follow_up_due"],
        follow_up_reason=values["follow_up_reason"],
        flags=[code for code in FLAG_CODES if values[f"flag_{code}"]],
        latest=latest,
        change=change,
    )


# Sort keys: each maps to a column of summary_query; NULLs ("never") go where a person expects them.
SORTS = ("name", "neighborhood", "sector", "officer", "visits", "last_visit", "follow_up")


def _sort_key(query: Select[Any], sort: str, descending: bool) -> list[Any]:
    cols = query.selected_columns
    key = {
        "name": spanish_order(Mipyme.name),
        "neighborhood": Mipyme.neighborhood,
        "sector": Mipyme.sector,
        "officer": cols.officer_name,
        "visits": cols.visit_count,
        "last_visit": cols.last_visit_at,
        "follow_up": cols.next_follow_up_due,
    }.get(sort, spanish_order(Mipyme.name))
    ordered = key.desc() if descending else key.asc()
    # A Mipyme never visited has waited longest: first when sorting by last visit ascending.
    ordered = ordered.nulls_first() if sort == "last_visit" and not descending else ordered.nulls_last()
    return [ordered, spanish_order(Mipyme.name).asc(), Mipyme.id.asc()]


def summarise(
    base: Select[tuple[Mipyme]],
    day: FlagDay,
    *,
    flag: str | None = None,
    page: int = 1,
    per_page: int = 100,
    sort: str = "name",
    descending: bool = False,
) -> tuple[list[MipymeSummary], int]:
    """One page of summaries and the total matching, in two queries."""
    check_flag(flag)
    query, conditions = summary_query(base, day)
    if flag is not None:
        query = query.where(conditions[flag])
        counted = query.with_only_columns(Mipyme.id).order_by(None)
    else:
        counted = base.with_only_columns(Mipyme.id).order_by(None)  # no need to aggregate to count
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    rows = db.session.execute(
        query.order_by(*_sort_key(query, sort, descending)).limit(per_page).offset((max(page, 1) - 1) * per_page)
    ).all()
    return [to_summary(row) for row in rows], total


def summarise_all(
    base: Select[tuple[Mipyme]], day: FlagDay, *, flag: str | None = None, sort: str = "name", descending: bool = False
) -> list[MipymeSummary]:
    """Every matching summary (for exports), in one query."""
    check_flag(flag)
    query, conditions = summary_query(base, day)
    if flag is not None:
        query = query.where(conditions[flag])
    rows = db.session.execute(query.order_by(*_sort_key(query, sort, descending))).all()
    return [to_summary(row) for row in rows]


def summarise_one(mipyme_id: int, day: FlagDay) -> MipymeSummary | None:
    """The summary of one Mipyme, in one query."""
    query, _conditions = summary_query(select(Mipyme).where(Mipyme.id == mipyme_id), day)
    row = db.session.execute(query).first()
    return to_summary(row) if row is not None else None


def all_flag_counts(base: Select[tuple[Mipyme]], day: FlagDay) -> dict[str, int]:
    """How many of `base`'s Mipymes carry each flag, in one query."""
    query, _conditions = summary_query(base, day)
    sub = query.subquery()
    counts = db.session.execute(
        select(*(func.coalesce(func.sum(sub.c[f"flag_{code}"]), 0).label(code) for code in FLAG_CODES))
    ).one()
    return {code: int(getattr(counts, code)) for code in FLAG_CODES}
