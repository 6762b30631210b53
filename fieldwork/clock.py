"""Time in the programme's time zone. Domain rules take `now` as an argument so tests pin it."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def programme_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["FIELDWORK_TIMEZONE"])


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day of `moment` in `zone` (a visit at 23:30 in Bogotá is still that day)."""
    return moment.astimezone(zone).date()


def today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return local_date(now or utcnow(), zone)


def flag_day(now: datetime | None = None) -> "FlagDay":
    """Today's FlagDay under the app's time zone and follow-up cadence."""
    from fieldwork.flags import FlagDay

    return FlagDay.at(now or utcnow(), programme_zone(), current_app.config["FIELDWORK_FOLLOW_UP_DAYS"])
