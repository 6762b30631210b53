"""What the supervisor's dashboard counts, each in one SQL statement."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, func, select

from fieldwork.clock import start_of_day
from fieldwork.database import spanish_key, spanish_order
from fieldwork.extensions import db
from fieldwork.mipymes.aggregates import summary_query
from fieldwork.mipymes.flags import FLAG_CODES, FlagDay
from fieldwork.models import Mipyme, MipymeSummaryRow, User, Visit
from fieldwork.owners.confirmation import confirmation_rates_by_officer
from fieldwork.text.search import name_matches


@dataclass(frozen=True)
class Headline:
    active_mipymes: int
    visits_this_month: int
    awaiting_review: int
    open_disputes: int


def headline(day: FlagDay, zone: ZoneInfo) -> Headline:
    """The dashboard's headline counts (visits this month counted by local calendar month)."""
    month_start = start_of_day(day.today.replace(day=1), zone)

    def count(model: Any, *conditions: Any) -> Any:
        return select(func.count()).select_from(model).where(*conditions).scalar_subquery()

    def total(column: Any) -> Any:  # over the summary rows: one per Mipyme, not one per visit
        return select(func.coalesce(func.sum(column), 0)).scalar_subquery()

    row = db.session.execute(select(
        count(Mipyme, Mipyme.active.is_(True)),
        count(Visit, Visit.visited_at >= month_start),  # a range of the visited_at index
        total(MipymeSummaryRow.awaiting_review),
        total(MipymeSummaryRow.open_disputes),
    )).one()
    return Headline(*(int(v) for v in row))


@dataclass
class WeeklyVisits:
    """Visits per local week (Monday first) and officer over the last weeks."""

    weeks: list[date]
    officers: list[tuple[int, str]]
    counts: dict[tuple[int, int], int] = field(default_factory=dict)  # (week index, officer id) -> visits

    def series(self, officer_id: int) -> list[int]:
        return [self.counts.get((i, officer_id), 0) for i in range(len(self.weeks))]

    def totals(self) -> list[int]:
        return [sum(self.counts.get((i, o), 0) for o, _ in self.officers) for i in range(len(self.weeks))]


def weekly_visits(day: FlagDay, zone: ZoneInfo, weeks: int = 12) -> WeeklyVisits:
    """Visits per week and officer for the `weeks` weeks ending with the current one (one query)."""
    this_monday = day.today - timedelta(days=day.today.weekday())
    mondays = [this_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    bounds = [start_of_day(m, zone) for m in mondays] + [start_of_day(this_monday + timedelta(weeks=1), zone)]
    # Local weeks as UTC ranges: portable (no date functions differ between SQLite and PostgreSQL).
    bucket = case(*((Visit.visited_at < bounds[i + 1], i) for i in range(weeks))).label("week")
    rows = db.session.execute(
        select(bucket, Visit.officer_id, User.name, func.count())
        .join(User, User.id == Visit.officer_id)
        .where(Visit.visited_at >= bounds[0], Visit.visited_at < bounds[-1])
        .group_by(bucket, Visit.officer_id, User.name)
    ).all()
    officers = sorted({(row[1], row[2]) for row in rows}, key=lambda o: (spanish_key(o[1]), o[0]))
    return WeeklyVisits(weeks=mondays, officers=officers, counts={(int(r[0]), r[1]): int(r[3]) for r in rows})


@dataclass(frozen=True)
class Workload:
    officer_id: int
    officer_name: str
    assigned: int
    flagged: int
    per_flag: dict[str, int]
    visits: int = 0
    confirmed: int = 0
    disputed: int = 0

    @property
    def confirmation_rate(self) -> float | None:
        """Share of the officer's visits that owners confirmed (None without visits)."""
        return self.confirmed / self.visits if self.visits else None


def workload(day: FlagDay) -> list[Workload]:
    """Per active officer: active Mipymes assigned, how many carry a flag, and per flag (one query),
    with the owners' answers to their visits (one more)."""
    summary, _conditions = summary_query(select(Mipyme).where(Mipyme.active.is_(True)), day)
    sub = summary.subquery()
    flagged = case((sum((sub.c[f"flag_{c}"] for c in FLAG_CODES), start=0) > 0, 1), else_=0)
    per_officer = (
        select(sub.c.officer_id, func.count().label("assigned"), func.sum(flagged).label("flagged"),
               *(func.sum(sub.c[f"flag_{c}"]).label(c) for c in FLAG_CODES))
        .group_by(sub.c.officer_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User.id, User.name, per_officer)
        .outerjoin(per_officer, per_officer.c.officer_id == User.id)
        .where(User.role == "officer", User.active.is_(True))
        .order_by(spanish_order(User.name), User.id)
    ).all()
    answers = _owner_answers()
    return [
        Workload(
            officer_id=row.id, officer_name=row.name, assigned=int(row.assigned or 0), flagged=int(row.flagged or 0),
            per_flag={c: int(getattr(row, c) or 0) for c in FLAG_CODES}, **answers.get(row.id, {}),
        )
        for row in rows
    ]


def _owner_answers() -> dict[int, dict[str, int]]:
    """Per officer: visits, confirmed and disputed by owners (the owners' module computes it)."""
    return {r.officer_id: {"visits": r.visits, "confirmed": r.confirmed, "disputed": r.disputed}
            for r in confirmation_rates_by_officer()}


def officers() -> list[User]:
    """Active officers, by name (for filters and the reassignment form)."""
    return list(db.session.scalars(
        select(User).where(User.role == "officer", User.active.is_(True)).order_by(spanish_order(User.name), User.id)
    ))


def neighborhoods() -> list[str]:
    """The barrios / comunas that active Mipymes are in (for the filter)."""
    # Sorted here: PostgreSQL's DISTINCT takes no ORDER BY on another expression (the collated one).
    return sorted(db.session.scalars(
        select(Mipyme.neighborhood).where(Mipyme.active.is_(True), Mipyme.neighborhood != "").distinct()
    ), key=spanish_key)


def mipyme_filter(base: Select[Any], args: dict[str, Any]) -> Select[Any]:
    """Apply the table's filters (officer, sector, comuna, name) to a select of Mipymes."""
    if args.get("officer_id"):
        base = base.where(Mipyme.officer_id == args["officer_id"])
    if args.get("sector"):
        base = base.where(Mipyme.sector == args["sector"])
    if args.get("neighborhood"):
        base = base.where(Mipyme.neighborhood == args["neighborhood"])
    if args.get("q"):
        base = base.where(name_matches(Mipyme.search_name, args["q"]))
    return base


def local_range(first: date | None, last: date | None, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """UTC bounds [from, to) of local days `first`..`last` (either may be open)."""
    return (start_of_day(first, zone) if first else None,
            start_of_day(last + timedelta(days=1), zone) if last else None)
