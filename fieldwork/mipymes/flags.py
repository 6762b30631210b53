"""The follow-up flags of API.md, as plain functions.

`FlagDay` pins "today" in the programme's time zone; `flag_conditions` turns the rules into SQL
conditions over a Mipyme's latest visit, so that lists can filter, count and page by flag in the
database (one home for the rules: a Mipyme's own flags are read through the same conditions).

The rules (API.md, "Flags"):
- `never_visited`: no visit at all;
- `follow_up_overdue`: the latest visit's `follow_up_due` is before today (a later visit satisfies
  any earlier visit's follow-up, so only the latest visit's date counts);
- `no_recent_visit`: the latest visit's local day is more than `cadence` days before today, and the
  latest visit set no follow-up due today or later;
- `disputed`: an owner disputed one of its visits and no supervisor has resolved it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_

from fieldwork.clock import programme_zone, start_of_day, utcnow

FLAG_CODES = ("never_visited", "follow_up_overdue", "no_recent_visit", "disputed")


@dataclass(frozen=True)
class FlagDay:
    """The day flags are computed for, and the instant before which a visit is "not recent"."""

    today: date
    not_recent_before: datetime  # aware UTC: local midnight starting day `today - cadence`

    @classmethod
    def at(cls, now: datetime, zone: ZoneInfo, cadence_days: int) -> FlagDay:
        """The FlagDay of instant `now` seen from `zone`, with a cadence of `cadence_days` days."""
        today = now.astimezone(zone).date()
        # "More than N days before today" means a local calendar day earlier than today - N,
        # i.e. an instant before the local midnight that starts day today - N.
        boundary = start_of_day(today - timedelta(days=cadence_days), zone)
        return cls(today=today, not_recent_before=boundary)


def flag_day(now: datetime | None = None) -> FlagDay:
    """Today's FlagDay under the app's time zone and follow-up cadence."""
    return FlagDay.at(now or utcnow(), programme_zone(), int(current_app.config["FIELDWORK_FOLLOW_UP_DAYS"]))


def check_flag(code: str | None) -> str | None:
    """`code` itself when it is a known flag code (or None); ValueError otherwise."""
    if code is not None and code not in FLAG_CODES:
        raise ValueError(f"unknown flag {code!r}")
    return code


def days_overdue(follow_up_due: date | None, day: FlagDay) -> int | None:
    """How many days a follow-up is late (0 when due today), or None when none is pending."""
    if follow_up_due is None or follow_up_due > day.today:
        return None
    return (day.today - follow_up_due).days


def flag_conditions(
    mipyme_id: Any, last_visit_at: Any, follow_up_due: Any, open_disputes: ColumnElement[int], day: FlagDay
) -> dict[str, ColumnElement[bool]]:
    """The same rules as SQL conditions over a Mipyme's summary row (outer-joined, so its columns
    `mipyme_id`, `last_visit_at` and `follow_up_due` are NULL for a Mipyme without visits)."""
    # UTCDateTime turns the aware bound into the naive UTC the column stores.
    no_pending_follow_up = or_(follow_up_due.is_(None), follow_up_due < day.today)
    return {
        "never_visited": mipyme_id.is_(None),
        "follow_up_overdue": and_(follow_up_due.is_not(None), follow_up_due < day.today),
        "no_recent_visit": and_(
            last_visit_at.is_not(None), last_visit_at < day.not_recent_before, no_pending_follow_up
        ),
        "disputed": open_disputes > 0,
    }
