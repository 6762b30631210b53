"""Column types that behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator

#: The largest id (or any INTEGER column's value) both databases hold: a larger one in a URL, a query or
#: a body is refused or answers 404, never reaches the database (where it was a 500).
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (a callable default, never computed at import)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC and hands back aware UTC.

    SQLite has no time zones and PostgreSQL's timestamptz converts on the way out;
    storing plain UTC keeps comparisons and GROUP BY identical on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class TopicList(TypeDecorator):
    """A sorted, comma-separated list: portable, and `LIKE '%formacion%'` still works."""

    impl = String(200)
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return ",".join(sorted(set(value)))

    def process_result_value(self, value: str | None, dialect: Any) -> list[str]:
        return [t for t in (value or "").split(",") if t]
