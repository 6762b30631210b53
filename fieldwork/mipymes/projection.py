"""Keeping the summary rows (fieldwork/mipymes/summary.py) in step with the visits: an explicit
projection, brought up to date once per transaction for the Mipymes that transaction touched.

Whoever changes a visit says so: a transition of the visit's life (fieldwork/visits/lifecycle.py)
calls `visit_changed(before, after)` with `facts(visit)` taken before and after the change, and sync's
bulk INSERT calls `add_new_visits`. Just before the transaction commits, `_bring_up_to_date` applies
what was noted, whatever the number of visits it noted, in a fixed number of statements per 200 Mipymes:

- a visit whose Mipyme and officer stayed the same (a review, an owner's answer, an edit, a resolved
  dispute): its counts move by the difference between what the visit counted before and counts now,
  and the row's latest and previous visits are read again from the Mipyme's two newest visits (an index
  search). Neither depends on how many visits the Mipyme has;
- anything else (a visit created through the ORM, deleted, or moved to another Mipyme or officer, and
  `touch`): the Mipyme's rows are recomputed from its whole history, as `summary.recompute` does.

The counted conditions are written once, in SQL (summary.py, device.py); the "before" side of a
difference is the visit's facts as plain values, and the same conditions are evaluated on them by
adapting those SQL expressions to a derived table of those values.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, event, func, literal, select, union_all, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from fieldwork.extensions import db
from fieldwork.mipymes import summary
from fieldwork.models import MipymeSummaryRow, OfficerAnswerRow, Visit
from fieldwork.results import kept

#: Mipymes handled per statement. SQLite allows at most 500 parts in a UNION ALL.
CHUNK = 200
_PENDING = "fieldwork.summary.pending"


@dataclass(frozen=True)
class VisitFacts:
    """What the summary's counts read of one visit, as plain values (the names are Visit's columns)."""

    id: str
    mipyme_id: int
    officer_id: int
    review_status: str | None
    owner_confirmation: str | None
    confirmed_via: str | None
    dispute_resolved_at: datetime | None
    link_device: str | None
    sync_device: str | None


FACT_COLUMNS = tuple(f.name for f in fields(VisitFacts))


def facts(visit: Any) -> VisitFacts:
    """The summary's view of `visit` now (an ORM object or sync's plain object with the same attributes)."""
    return VisitFacts(*(getattr(visit, name, None) for name in FACT_COLUMNS))


@dataclass
class _Pending:
    """What this transaction changed: each visit's facts before its first change (None: it did not
    exist), the Mipymes to recompute from their whole history, and every Mipyme whose results rows
    (fieldwork/results/kept.py) must be brought up to date."""

    before: dict[str, VisitFacts | None]
    recompute: set[int]
    results: set[int]


def _pending(session: Session) -> _Pending:
    return session.info.setdefault(_PENDING, _Pending({}, set(), set()))


def visit_changed(before: VisitFacts | None, after: VisitFacts | None) -> None:
    """Note that a visit changed in this transaction: `before` is `facts(visit)` before the change (None:
    created), `after` after it (None: deleted). Its Mipymes' rows are brought up to date at commit."""
    pending = _pending(db.session())
    visit_id = (before or after).id  # type: ignore[union-attr]
    pending.before.setdefault(visit_id, before)  # the first "before" of the transaction is the one stored
    pending.results.update(f.mipyme_id for f in (before, after) if f is not None)
    if before is None or after is None or (before.mipyme_id, before.officer_id) != (after.mipyme_id,
                                                                                   after.officer_id):
        pending.recompute.update(f.mipyme_id for f in (before, after) if f is not None)


def touch(mipyme_ids: Iterable[int]) -> None:
    """Recompute these Mipymes' rows from their whole history at commit (rare writes: moves, deletions)."""
    pending, ids = _pending(db.session()), {int(i) for i in mipyme_ids if i is not None}
    pending.recompute.update(ids)
    pending.results.update(ids)


def add_new_visits(visits: Iterable[Any]) -> None:
    """After a bulk INSERT of new visits: their rows are brought up to date now (summary.append_new_visits).
    A Mipyme it recomputed from its history already reflects every change flushed before: differences
    noted for it before then are dropped, so they are not counted twice."""
    visits = list(visits)
    recomputed = summary.append_new_visits(visits)
    pending = _pending(db.session())
    pending.results.update(visit.mipyme_id for visit in visits)
    for visit_id in [i for i, before in pending.before.items() if before and before.mipyme_id in recomputed]:
        del pending.before[visit_id]


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release is not the transaction's end
        _bring_up_to_date(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_on_end(session: Session, transaction: Any) -> None:
    """A rolled-back transaction changed nothing: what it noted goes with it."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _bring_up_to_date(session: Session) -> None:
    """Apply what this transaction noted (the commit's one refresh of the projection)."""
    pending = session.info.pop(_PENDING, None)
    if pending is None or not (pending.before or pending.recompute or pending.results):
        return
    session.flush()
    connection = session.connection()
    kept.refresh(connection, pending.results)
    changed = {visit_id: before for visit_id, before in pending.before.items()
               if before is not None and before.mipyme_id not in pending.recompute}
    if pending.recompute:
        for chunk in summary.locked_chunks(connection, pending.recompute):
            summary.recompute(connection, chunk)
    by_mipyme: dict[int, list[VisitFacts]] = {}
    for before in changed.values():
        by_mipyme.setdefault(before.mipyme_id, []).append(before)
    for chunk in summary.locked_chunks(connection, by_mipyme):
        befores = [before for mipyme_id in chunk for before in by_mipyme[mipyme_id]]
        _apply_differences(connection, befores)
        _read_latest_again(connection, chunk)


def _apply_differences(connection: Any, befores: list[VisitFacts]) -> None:
    """Move each count by (what the visits count now) − (what they counted before): one derived table
    of signed rows, the counted conditions adapted to it, summed per Mipyme and per (Mipyme, officer)."""
    columns = Visit.__table__.c
    now = select(literal(1).label("sign"), *(columns[name] for name in FACT_COLUMNS)).where(
        columns.id.in_(bindparam("ids", expanding=True)))
    then = [select(literal(-1), *(literal(value, type_=columns[name].type)
                                  for name, value in zip(FACT_COLUMNS, astuple(before), strict=True)))
            for before in befores]
    signed = union_all(now, *then).subquery("signed")
    adapt = ClauseAdapter(signed).traverse

    def moved(condition: Any) -> Any:
        return func.sum(signed.c.sign * case((adapt(condition), 1), else_=0))

    counts = summary.counted_conditions()
    per_mipyme = select(signed.c.mipyme_id, *(moved(c).label(n) for n, c in counts.items())).group_by(
        signed.c.mipyme_id).subquery()
    rows = MipymeSummaryRow.__table__
    update_rows = update(rows).where(rows.c.mipyme_id == per_mipyme.c.mipyme_id).values(
        {name: rows.c[name] + per_mipyme.c[name] for name in counts})
    answer_counts = summary.answer_conditions()
    per_officer = select(signed.c.mipyme_id, signed.c.officer_id,
                         *(moved(c).label(n) for n, c in answer_counts.items())).group_by(
        signed.c.mipyme_id, signed.c.officer_id).subquery()
    answers = OfficerAnswerRow.__table__
    update_answers = update(answers).where(
        and_(answers.c.mipyme_id == per_officer.c.mipyme_id, answers.c.officer_id == per_officer.c.officer_id)
    ).values({name: answers.c[name] + per_officer.c[name] for name in answer_counts})
    ids = {"ids": [before.id for before in befores]}
    connection.execute(update_rows, ids)
    connection.execute(update_answers, ids)


def _read_latest_again(connection: Any, mipyme_ids: list[int]) -> None:
    """The rows' latest and previous visits, from each Mipyme's two newest visits (an index search each;
    the counts are left alone: `_apply_differences` moved them)."""
    newest_two = [select(Visit.id).where(Visit.mipyme_id == mipyme_id)
                  .order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(2).subquery().select()
                  for mipyme_id in mipyme_ids]
    visit_ids = list(connection.execute(union_all(*newest_two)).scalars())
    rows = MipymeSummaryRow.__table__
    latest = summary.ranked(Visit.id.in_(visit_ids)).subquery()
    counts = ("visit_count", *summary.counted_conditions())
    connection.execute(update(rows).where(rows.c.mipyme_id == latest.c.mipyme_id).values(
        {name: latest.c[name] for name in summary.COLUMNS[1:] if name not in counts}))
