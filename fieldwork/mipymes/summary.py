"""The per-Mipyme summary rows (`mipyme_summaries`), kept in step with the visits.

Every write that changes what a Mipyme's visits say (a synced visit, an edit, a review, an owner's
answer, a resolved dispute) recomputes that Mipyme's row in the same transaction:
- changes made through the ORM's unit of work (reviews, resolutions, sync's edits, test builders)
  are caught when the session flushes (`_refresh_flushed`);
- writes that bypass it (sync's bulk INSERT, the owner's guarded UPDATE) call `refresh` themselves.

Each Mipyme also has one `officer_answer_counts` row per officer who visited it (how its owner
answered that officer's visits), refreshed with it, so the dashboard's per-officer confirmation rate
sums those rows instead of grouping every visit of the programme.

A refresh is five statements per batch of Mipymes whatever their history: lock the Mipymes, delete
their rows, and insert them again from one window pass (and one GROUP BY) over their visits. The lock
serialises two transactions refreshing the same Mipyme, so the one that commits last recomputed with
everything the first committed (with read committed, a plain upsert could write a stale count). The
same SQL runs on SQLite and PostgreSQL, and `summary rebuild` runs it for every Mipyme at once.
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Select, and_, case, delete, event, func, insert, inspect, literal_column, select
from sqlalchemy.orm import Session

from fieldwork.extensions import db
from fieldwork.models import Mipyme, MipymeSummaryRow, OfficerAnswerRow, Visit
from fieldwork.web.device import independent_confirmation, same_device_confirmation

FIGURES = ("production_units", "monthly_sales_cop", "employees")
COLUMNS = tuple(c.name for c in MipymeSummaryRow.__table__.columns)
ANSWER_COLUMNS = tuple(c.name for c in OfficerAnswerRow.__table__.columns)
#: Mipymes refreshed per statement: keeps `IN (...)` far below every driver's parameter limit.
CHUNK = 500


def open_dispute_condition() -> Any:
    """A visit whose owner disputed it and that no supervisor has resolved yet (models.visit's
    OPEN_DISPUTE_SQL). A literal, not a bound parameter: PostgreSQL matches a partial index only
    against constants, and a prepared statement's generic plan has none."""
    return and_(Visit.owner_confirmation == literal_column("'disputed'"), Visit.dispute_resolved_at.is_(None))


def window_rows(mipyme_ids: Iterable[int] | None = None) -> Select[Any]:
    """One summary row per Mipyme with visits (of `mipyme_ids`, or all), computed from the visits:
    ranked newest first (ties by id), the previous visit's figures by lead(), counts over the Mipyme."""
    newest_first = {"partition_by": Visit.mipyme_id, "order_by": (Visit.visited_at.desc(), Visit.id.desc())}
    per_mipyme = {"partition_by": Visit.mipyme_id}

    def count_where(condition: Any) -> Any:
        return _count(condition).over(**per_mipyme)

    ranked = select(
        Visit.mipyme_id,
        func.count().over(**per_mipyme).label("visit_count"),
        Visit.id.label("last_visit_id"),
        Visit.visited_at.label("last_visit_at"),
        Visit.follow_up_due.label("next_follow_up_due"),
        Visit.follow_up_reason,
        *(getattr(Visit, name).label(f"latest_{name}") for name in FIGURES),
        # The next row newest-first is the previous visit: one sort serves both.
        *(func.lead(getattr(Visit, name)).over(**newest_first).label(f"previous_{name}") for name in FIGURES),
        count_where(open_dispute_condition()).label("open_disputes"),
        count_where(Visit.review_status == "submitted").label("awaiting_review"),
        count_where(and_(Visit.owner_confirmation == "pending", Visit.review_status != "approved"))
        .label("awaiting_owner"),
        func.row_number().over(**newest_first).label("rn"),
    )
    if mipyme_ids is not None:
        ranked = ranked.where(Visit.mipyme_id.in_(list(mipyme_ids)))
    sub = ranked.subquery("ranked")
    return select(*(sub.c[name] for name in COLUMNS)).where(sub.c.rn == 1)


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def answer_rows(mipyme_ids: Iterable[int] | None = None) -> Select[Any]:
    """One row per (Mipyme, officer) with visits: how the owner answered that officer's visits."""
    rows = select(
        Visit.mipyme_id, Visit.officer_id, func.count().label("visits"),
        _count(independent_confirmation()).label("independent_confirmations"),
        _count(same_device_confirmation()).label("same_device_confirmations"),
        _count(Visit.owner_confirmation == "disputed").label("disputed"),
        _count(Visit.owner_confirmation == "pending").label("pending"),
    ).group_by(Visit.mipyme_id, Visit.officer_id)
    if mipyme_ids is not None:
        rows = rows.where(Visit.mipyme_id.in_(list(mipyme_ids)))
    return rows


def _recompute(connection: Connection, mipyme_ids: list[int] | None) -> None:
    """Delete and insert again, from the visits, the summary and answer rows of `mipyme_ids` (None: all)."""
    for table, columns, rows in ((MipymeSummaryRow.__table__, COLUMNS, window_rows),
                                 (OfficerAnswerRow.__table__, ANSWER_COLUMNS, answer_rows)):
        stale = delete(table) if mipyme_ids is None else delete(table).where(table.c.mipyme_id.in_(mipyme_ids))
        connection.execute(stale)
        connection.execute(insert(table).from_select(columns, rows(mipyme_ids)))


def _write(connection: Connection, mipyme_ids: Iterable[int]) -> None:
    ids = sorted({int(i) for i in mipyme_ids if i is not None})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        # FOR UPDATE on PostgreSQL (SQLite serialises writers anyway); by id, so two batches
        # over the same Mipymes lock them in the same order and never deadlock.
        connection.execute(select(Mipyme.id).where(Mipyme.id.in_(chunk)).order_by(Mipyme.id).with_for_update())
        _recompute(connection, chunk)


def refresh(mipyme_ids: Iterable[int]) -> None:
    """Recompute the summary rows of these Mipymes from their visits, in the current transaction."""
    ids = set(mipyme_ids)
    if ids:
        db.session.flush()  # pending ORM changes first, so the window sees them
        _write(db.session.connection(), ids)


def rebuild() -> int:
    """Recompute every row from the visits (the CLI's `summary rebuild`); the caller commits.
    Returns the number of summary rows (visited Mipymes)."""
    _recompute(db.session.connection(), None)
    return db.session.scalar(select(func.count()).select_from(MipymeSummaryRow)) or 0


@event.listens_for(Session, "after_flush")
def _refresh_flushed(session: Session, _context: Any) -> None:
    """The Mipymes whose visits this flush inserted, changed or deleted (before and after a move)."""
    touched: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Visit) and (obj in session.new or obj in session.deleted or session.is_modified(obj)):
            touched.add(obj.mipyme_id)
            touched.update(inspect(obj).attrs.mipyme_id.history.deleted or ())
    if touched:
        _write(session.connection(), touched)
