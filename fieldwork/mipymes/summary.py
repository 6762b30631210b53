"""The per-Mipyme summary rows (`mipyme_summaries`): what the rows say, in SQL, and how to compute them.

A row is what a window over a Mipyme's visits computes (`window_rows`): its latest and previous visits'
figures and follow-up, and counts of its visits in some states (`counted_conditions`). Each Mipyme also
has one `officer_answer_counts` row per officer who visited it (how its owner answered that officer's
visits: `answer_conditions`), so the dashboard's per-officer confirmation rate sums those rows instead
of grouping every visit of the programme.

fieldwork/mipymes/projection.py keeps the rows in step with the visits, once per transaction. Here:
`recompute` deletes and inserts again a chunk of Mipymes' rows from their whole history (five
statements, whose cost grows with that history; `summary rebuild` runs it for every Mipyme at once);
`add_new_visits` updates the rows after sync's bulk INSERT from the new visits and the previous latest
one alone (the same window, over a few rows), recomputing only the Mipymes where a new visit ranks
below the latest (a back-dated visit). `locked_chunks` locks the Mipymes first, which serialises two
transactions writing the same Mipyme's rows, so the one that commits last read everything the first
committed (with read committed, a plain upsert could write a stale count). The same SQL runs on
SQLite and PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    update,
)

from fieldwork.extensions import db
from fieldwork.models import Mipyme, MipymeSummaryRow, OfficerAnswerRow, Visit
from fieldwork.results import kept
from fieldwork.results.queries import counting
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


def counted_conditions() -> dict[str, Any]:
    """The summary's conditional counts: each column and the visits it counts."""
    return {
        "open_disputes": open_dispute_condition(),
        "awaiting_review": Visit.review_status == "submitted",
        # Approval does not end the owner's say (visits/lifecycle.py): every unanswered visit awaits them.
        "awaiting_owner": Visit.owner_confirmation == "pending",
        # The results' verification (fieldwork/results/service.py) among the visits that count for results.
        "counting_visits": counting(),
        "counting_confirmed": and_(counting(), Visit.owner_confirmation == "confirmed"),
        "counting_independent": and_(counting(), independent_confirmation()),
        "counting_disputed": and_(counting(), Visit.owner_confirmation == "disputed"),
    }


def ranked(rows_of: Any, counted: Any = None) -> Select[Any]:
    """One summary row per Mipyme over the visits matching `rows_of`: ranked newest first (ties by id),
    the previous visit's figures by lead(); the counts over those visits, or only over those matching
    `counted` (the new ones, when appending)."""
    newest_first = {"partition_by": Visit.mipyme_id, "order_by": (Visit.visited_at.desc(), Visit.id.desc())}
    per_mipyme = {"partition_by": Visit.mipyme_id}

    def count_where(condition: Any) -> Any:
        return _count(condition if counted is None else and_(counted, condition)).over(**per_mipyme)

    visit_count = func.count() if counted is None else _count(counted)
    ranked = select(
        Visit.mipyme_id,
        visit_count.over(**per_mipyme).label("visit_count"),
        Visit.id.label("last_visit_id"),
        Visit.visited_at.label("last_visit_at"),
        Visit.follow_up_due.label("next_follow_up_due"),
        Visit.follow_up_reason,
        *(getattr(Visit, name).label(f"latest_{name}") for name in FIGURES),
        # The next row newest-first is the previous visit: one sort serves both.
        *(func.lead(getattr(Visit, name)).over(**newest_first).label(f"previous_{name}") for name in FIGURES),
        *(count_where(condition).label(name) for name, condition in counted_conditions().items()),
        func.row_number().over(**newest_first).label("rn"),
    ).where(rows_of)
    sub = ranked.subquery("ranked")
    return select(*(sub.c[name] for name in COLUMNS)).where(sub.c.rn == 1)


def window_rows(mipyme_ids: Iterable[int] | None = None) -> Select[Any]:
    """One summary row per Mipyme with visits (of `mipyme_ids`, or all), computed from all its visits."""
    return ranked(true() if mipyme_ids is None else Visit.mipyme_id.in_(list(mipyme_ids)))


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def answer_rows(mipyme_ids: Iterable[int] | None = None) -> Select[Any]:
    """One row per (Mipyme, officer) with visits: how the owner answered that officer's visits."""
    return _answer_counts(true() if mipyme_ids is None else Visit.mipyme_id.in_(list(mipyme_ids)))


def answer_conditions() -> dict[str, Any]:
    """The answer rows' conditional counts: each column and the visits it counts."""
    return {
        "independent_confirmations": independent_confirmation(),
        "same_device_confirmations": same_device_confirmation(),
        "disputed": Visit.owner_confirmation == "disputed",
        "pending": Visit.owner_confirmation == "pending",
    }


def _answer_counts(rows_of: Any) -> Select[Any]:
    return select(
        Visit.mipyme_id, Visit.officer_id, func.count().label("visits"),
        *(_count(condition).label(name) for name, condition in answer_conditions().items()),
    ).where(rows_of).group_by(Visit.mipyme_id, Visit.officer_id)


def recompute(connection: Connection, mipyme_ids: list[int] | None) -> None:
    """Delete and insert again, from the visits, the summary and answer rows of `mipyme_ids` (None: all)."""
    for table, columns, rows in ((MipymeSummaryRow.__table__, COLUMNS, window_rows),
                                 (OfficerAnswerRow.__table__, ANSWER_COLUMNS, answer_rows)):
        stale = delete(table) if mipyme_ids is None else delete(table).where(table.c.mipyme_id.in_(mipyme_ids))
        connection.execute(stale)
        connection.execute(insert(table).from_select(columns, rows(mipyme_ids)))


def locked_chunks(connection: Connection, mipyme_ids: Iterable[int]) -> Iterator[list[int]]:
    """The Mipymes in chunks, each locked before it is handed out: FOR UPDATE on PostgreSQL (SQLite
    serialises writers anyway); by id, so two batches over the same Mipymes lock them in the same order
    and never deadlock."""
    ids = sorted({int(i) for i in mipyme_ids if i is not None})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        connection.execute(select(Mipyme.id).where(Mipyme.id.in_(chunk)).order_by(Mipyme.id).with_for_update())
        yield chunk


@cache
def _append_statements() -> tuple[Any, ...]:
    """The statements of `add_new_visits`, built once (building them cost more than running them).

    First, which Mipymes of `:mipyme_ids` have a row whose latest visit each of their new visits `:new_ids`
    ranks above (so the row does not count them yet), with that latest visit's id. Then, for those, the
    row's new latest and previous visits are among the new visits and the old latest (`:visit_ids`), and
    its counts and its answer rows grow by what the new visits count. Visits are picked by id alone: a
    condition on mipyme_id would let the planner read each Mipyme's whole history."""
    table, answers = MipymeSummaryRow.__table__, OfficerAnswerRow.__table__
    mipyme_ids, is_new = bindparam("mipyme_ids", expanding=True), Visit.id.in_(bindparam("new_ids", expanding=True))
    # Not a correlated EXISTS: SQLite would answer it through the (mipyme_id, visited_at) index, that is
    # through every older visit; this reads the new visits by id and their rows by key.
    ranks_below = select(Visit.mipyme_id).join(table, table.c.mipyme_id == Visit.mipyme_id).where(is_new, or_(
        Visit.visited_at < table.c.last_visit_at,
        and_(Visit.visited_at == table.c.last_visit_at, Visit.id <= table.c.last_visit_id)))
    appendable = select(table.c.mipyme_id, table.c.last_visit_id).where(
        table.c.mipyme_id.in_(mipyme_ids), table.c.mipyme_id.not_in(ranks_below))

    # One list of ids (the new visits and the old latest ones): PostgreSQL reads visits by key for a list,
    # but scans them all for "in this list or in that subquery".
    row = ranked(Visit.id.in_(bindparam("visit_ids", expanding=True)), counted=is_new).subquery()
    added = ("visit_count", *counted_conditions())
    update_rows = update(table).where(table.c.mipyme_id == row.c.mipyme_id).values(
        {name: table.c[name] + row.c[name] if name in added else row.c[name] for name in COLUMNS[1:]})

    counts = _answer_counts(is_new).subquery()
    same_pair = and_(answers.c.mipyme_id == counts.c.mipyme_id, answers.c.officer_id == counts.c.officer_id)
    update_answers = update(answers).where(same_pair).values(
        {name: answers.c[name] + counts.c[name] for name in ANSWER_COLUMNS[2:]})
    insert_answers = insert(answers).from_select(
        ANSWER_COLUMNS, select(*(counts.c[name] for name in ANSWER_COLUMNS)).where(~exists().where(same_pair)))
    return appendable, (update_rows, update_answers, insert_answers)


def append_new_visits(visits: Iterable[Any]) -> set[int]:
    """Bring the rows up to date after an INSERT of new visits (objects with `id` and `mipyme_id`), in the
    current transaction: appended where they come after the Mipyme's latest visit, recomputed elsewhere.
    Returns the Mipymes recomputed from their whole history."""
    by_mipyme: dict[int, list[str]] = {}
    for visit in visits:
        by_mipyme.setdefault(visit.mipyme_id, []).append(visit.id)
    recomputed: set[int] = set()
    if not by_mipyme:
        return recomputed
    # Pending ORM changes first (sync's edits; its INSERT has flushed them already), so that the previous
    # latest visit's figures are read as edited.
    db.session.flush()
    connection = db.session.connection()
    appendable_rows, append = _append_statements()

    def new_ids(mipyme_ids: Iterable[int]) -> list[str]:
        return [visit_id for mipyme_id in mipyme_ids for visit_id in by_mipyme[mipyme_id]]

    for chunk in locked_chunks(connection, by_mipyme):
        latest = dict(connection.execute(appendable_rows, {"mipyme_ids": chunk, "new_ids": new_ids(chunk)}).all())
        appendable = sorted(latest)
        if appendable:
            appended = new_ids(appendable)
            for statement in append:
                connection.execute(statement, {"new_ids": appended, "visit_ids": [*appended, *latest.values()]})
        if rest := sorted(set(chunk) - set(appendable)):
            recompute(connection, rest)
            recomputed.update(rest)
    return recomputed



def rebuild() -> int:
    """Recompute every row from the visits (the CLI's `summary rebuild`), the results rows
    (fieldwork/results/kept.py) included; the caller commits. Returns the number of summary rows
    (visited Mipymes)."""
    recompute(db.session.connection(), None)
    kept.rebuild(db.session.connection())
    return db.session.scalar(select(func.count()).select_from(MipymeSummaryRow)) or 0

