"""The officer's agenda: their Mipymes that need a visit, most urgent first, in one query.

Order (issue 4): overdue follow-ups by days overdue (most overdue first), then follow-ups due
today, then Mipymes never visited, then the longest without a visit. The rest (nothing pending)
follow, by their next follow-up, so the officer sees all their Mipymes on one page.
"""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import case, select

from fieldwork.database import spanish_order
from fieldwork.extensions import db
from fieldwork.mipymes.aggregates import MipymeSummary, summary_query, to_summary
from fieldwork.mipymes.flags import FlagDay, days_overdue
from fieldwork.models import Mipyme, User

URGENCIES = ("overdue", "due_today", "never_visited", "no_recent_visit", "up_to_date")


@dataclass(frozen=True)
class AgendaItem:
    summary: MipymeSummary
    urgency: str  # one of URGENCIES
    days_overdue: int | None
    days_since_visit: int | None

    @property
    def needs_visit(self) -> bool:
        return self.urgency != "up_to_date"


def agenda(officer: User, day: FlagDay, zone: ZoneInfo) -> list[AgendaItem]:
    """All of `officer`'s active Mipymes, those needing a visit first and most urgent first."""
    base = select(Mipyme).where(Mipyme.officer_id == officer.id, Mipyme.active.is_(True))
    query, conditions = summary_query(base, day)
    due = query.selected_columns.next_follow_up_due
    last = query.selected_columns.last_visit_at
    rank = case(
        (conditions["follow_up_overdue"], 0),
        (due == day.today, 1),
        (conditions["never_visited"], 2),
        (conditions["no_recent_visit"], 3),
        else_=4,
    )
    rows = db.session.execute(
        query.order_by(rank, due.asc().nulls_last(), last.asc().nulls_first(), spanish_order(Mipyme.name), Mipyme.id)
    ).all()
    return [_item(to_summary(row), day, zone) for row in rows]


def _item(summary: MipymeSummary, day: FlagDay, zone: ZoneInfo) -> AgendaItem:
    late = days_overdue(summary.next_follow_up_due, day)
    since = (day.today - summary.last_visit_at.astimezone(zone).date()).days if summary.last_visit_at else None
    if late is not None and late > 0:
        urgency = "overdue"
    elif late == 0:
        urgency = "due_today"
    elif "never_visited" in summary.flags:
        urgency = "never_visited"
    elif "no_recent_visit" in summary.flags:
        urgency = "no_recent_visit"
    else:
        urgency = "up_to_date"
    return AgendaItem(summary=summary, urgency=urgency, days_overdue=late, days_since_visit=since)
