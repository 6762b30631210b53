"""The follow-up flags of API.md, as plain functions.

`FlagDay` pins "today" in the programme's time zone; `flag_conditions` turns the rules into SQL
conditions over a Mipyme's latest visit, so that lists can filter, count and page by flag in the
database. `flags_for` states the same rules over plain values, for one Mipyme at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_

FLAG_CODES = ("never_visited", "follow_up_overdue", "no_recent_visit", "disputed")


@dataclass(frozen=True)
class FlagDay:
    """The day flags are computed for, and the instant before which a visit is "not recent"."""

    today: date
    not_recent_before: datetime  # aware UTC: midnight (local) starting day `today - cadence`

    @classmethod
    def at(cls, now: datetime, zone: ZoneInfo, cadence_days: int) -> FlagDay:
        today = now.astimezone(zone).date()
        # "More than N days before today" means a local calendar day earlier than today - N.
        boundary_day = today - timedelta(days=cadence_days)
        boundary = datetime.combine(boundary_day, time.min, tzinfo=zone).astimezone(timezone.utc)
        return cls(today=today, not_recent_before=boundary)


def flags_for(
    visit_count: int,
    last_visited_at: datetime | None,
    latest_follow_up_due: date | None,
    open_disputes: int,
    day: FlagDay,
) -> list[str]:
    """The flag codes of one Mipyme, from its latest visit's values."""
    flags = []
    if visit_count == 0:
        flags.append("never_visited")
    if latest_follow_up_due is not None and latest_follow_up_due < day.today:
        flags.append("follow_up_overdue")
    if (
        last_visited_at is not None
        and last_visited_at < day.not_recent_before
        and (latest_follow_up_due is None or latest_follow_up_due < day.today)
    ):
        flags.append("no_recent_visit")
    if open_disputes > 0:
        flags.append("disputed")
    return flags


def flag_conditions(latest: Any, open_disputes: ColumnElement[int], day: FlagDay) -> dict[str, ColumnElement[bool]]:
    """The same rules as SQL conditions over the `latest` visit subquery (columns mipyme_id,
    visited_at, follow_up_due) and a count of open disputes."""
    # UTCDateTime turns the aware bound into the naive UTC the column stores.
    boundary = day.not_recent_before
    no_pending_follow_up = or_(latest.c.follow_up_due.is_(None), latest.c.follow_up_due < day.today)
    return {
        "never_visited": latest.c.mipyme_id.is_(None),
        "follow_up_overdue": and_(latest.c.follow_up_due.is_not(None), latest.c.follow_up_due < day.today),
        "no_recent_visit": and_(latest.c.visited_at.is_not(None), latest.c.visited_at < boundary,
                                no_pending_follow_up),
        "disputed": open_disputes > 0,
    }
