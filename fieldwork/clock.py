"""Time in the programme's time zone, behind one injectable clock.

Domain rules take `now` (or a `fieldwork.mipymes.flags.FlagDay`) as an argument; request handlers ask `utcnow()`, which
reads the app's `FIELDWORK_CLOCK` setting when one is configured, so tests pin "today" for whole
pages and API calls without patching anything.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """Now as an aware UTC datetime; the app's `FIELDWORK_CLOCK` callable wins when set."""
    if has_app_context():
        clock = current_app.config.get("FIELDWORK_CLOCK")
        if clock is not None:
            now = clock()
            if now.tzinfo is None:
                raise ValueError("FIELDWORK_CLOCK must return an aware datetime")
            return now.astimezone(UTC)
    return datetime.now(UTC)


def programme_zone() -> ZoneInfo:
    """The zone in which days are counted (`FIELDWORK_TIMEZONE`)."""
    return ZoneInfo(current_app.config["FIELDWORK_TIMEZONE"])


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day of `moment` in `zone` (a visit at 23:30 in Bogotá is still that day)."""
    return moment.astimezone(zone).date()


def today(zone: ZoneInfo | None = None, now: datetime | None = None) -> date:
    """Today's date in `zone` (the programme's zone by default)."""
    return local_date(now or utcnow(), zone or programme_zone())


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The aware UTC instant at which local `day` begins."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)

