"""Pages of visits by keyset (newest first, ties by id), so the last page costs what the first does.

A page is asked for by the key of a row next to it, never by an OFFSET: `after` the last row of the
previous page (next), `before` the first row of the following page (previous), or `last` (the
oldest rows, as many as walking forward leaves on the last page, so the pages line up). Each is
one index range scan on (visited_at, id) plus LIMIT. The page's number only labels it ("página 3
de 40"): it travels in the links and costs nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, tuple_

from fieldwork.extensions import db

MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Key:
    """A row's place in the order: its visit's instant and id."""

    at: datetime
    id: str

    def encode(self) -> str:
        return f"{self.at.astimezone(UTC).strftime('%Y%m%dT%H%M%S.%f')}~{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> Key | None:
        """The key in a link, or None for anything else (an edited or truncated link shows page 1)."""
        if not text or "~" not in text or len(text) > 120:
            return None
        stamp, _sep, row_id = text.partition("~")
        try:
            at = datetime.strptime(stamp, "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC)
        except ValueError:
            return None
        return cls(at, row_id) if row_id else None


@dataclass(frozen=True)
class PageRequest:
    """Which page a link asks for (from its query string; see `page_request`)."""

    per_page: int
    after: Key | None = None
    before: Key | None = None
    last: bool = False
    number: int = 1
    at: Key | None = None  # start with this very row (a page re-shown around one visit)


def page_request(args: Any, per_page: int, max_per_page: int) -> PageRequest:
    """The page asked for by `args` (a request's query string)."""
    size = max(1, min(args.get("per_page", per_page, type=int) or per_page, max_per_page))
    number = max(1, min(args.get("page", 1, type=int) or 1, MAX_PAGE))
    if args.get("last"):
        return PageRequest(size, last=True, number=number)
    after, before = Key.decode(args.get("after")), Key.decode(args.get("before"))
    if after is None and before is None:
        number = 1  # a page number without a key cannot be honoured: say honestly it is the first
    return PageRequest(size, after=after, before=before, number=number)


@dataclass
class Page:
    items: list[Any]
    total: int
    number: int
    per_page: int
    first_key: Key | None
    last_key: Key | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1 and self.first_key is not None

    @property
    def has_next(self) -> bool:
        return self.number < self.pages and self.last_key is not None

    def links(self) -> dict[str, dict[str, Any]]:
        """Query-string changes for the first, previous, next and last pages (those that exist)."""
        clear = {"after": None, "before": None, "last": None}
        links: dict[str, dict[str, Any]] = {}
        if self.number > 1:
            links["first"] = {**clear, "page": None}
        if self.has_previous and self.first_key is not None:
            links["previous"] = {**clear, "before": self.first_key.encode(), "page": self.number - 1}
        if self.has_next and self.last_key is not None:
            links["next"] = {**clear, "after": self.last_key.encode(), "page": self.number + 1}
        if self.number < self.pages:
            links["last"] = {**clear, "last": 1, "page": self.pages}
        return links


def keyset_page(
    query: Select[Any], at_column: Any, id_column: Any, key_of: Callable[[Any], Key], request: PageRequest, *,
    total: int,
) -> Page:
    """One page of `query` (unordered, filtered) newest first; `key_of(row)` reads a row's key."""
    key = tuple_(at_column, id_column)
    newest_first = (at_column.desc(), id_column.desc())
    oldest_first = (at_column.asc(), id_column.asc())
    number = request.number
    if request.last:
        pages = max(1, -(-total // request.per_page))
        remainder = total - (pages - 1) * request.per_page
        rows = _rows(query.order_by(*oldest_first).limit(max(remainder, 1)))[::-1]
        number = pages
    elif request.before is not None:
        rows = _rows(query.where(key > _bound(request.before)).order_by(*oldest_first).limit(request.per_page))[::-1]
        if len(rows) < request.per_page:  # a row was removed since: start again from the top
            rows, number = _rows(query.order_by(*newest_first).limit(request.per_page)), 1
    elif request.at is not None:
        rows = _rows(query.where(key <= _bound(request.at)).order_by(*newest_first).limit(request.per_page))
    else:
        bounded = query.where(key < _bound(request.after)) if request.after is not None else query
        rows = _rows(bounded.order_by(*newest_first).limit(request.per_page))
    if not rows:
        number = 1
    return Page(items=rows, total=total, number=number, per_page=request.per_page,
                first_key=key_of(rows[0]) if rows else None, last_key=key_of(rows[-1]) if rows else None)


def _bound(key: Key) -> Any:
    # A plain tuple: SQLAlchemy binds each element with its column's type (UTCDateTime stores naive UTC).
    return (key.at, key.id)


def _rows(query: Select[Any]) -> Sequence[Any]:
    return list(db.session.execute(query).all())
