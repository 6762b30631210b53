"""Name search that ignores case and accents: `ceramica` finds "Cerámica Atánquez".

Both sides are folded by one Python function, `fold`: the stored side once, on write, into
`mipymes.search_name` (see models/mipyme.py), the typed side on each search. The database only
compares folded text with LIKE, so SQLite and PostgreSQL answer alike (neither's collation or
`lower()` knows Spanish accents the same way, and SQLite's knows none).
"""
from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

#: Folding can lengthen text ("ﬃ" → "ffi"); the column keeps this much, far past any real name.
SEARCH_NAME_LENGTH = 640


def fold(text: str | None) -> str:
    """Casefold, decompose (NFKD) and drop the combining marks: "Cerámica ÑOÑO" → "ceramica nono"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))[:SEARCH_NAME_LENGTH]


def contains_pattern(query: str) -> str:
    """A LIKE pattern for "contains `query`", folded, with `%`, `_` and `\\` taken literally."""
    folded = fold(query.strip())
    return "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def name_matches(column: Any, query: str) -> ColumnElement[bool]:
    """`column` (a folded search column, e.g. Mipyme.search_name) contains `query`, ignoring case and accents."""
    return column.like(contains_pattern(query), escape="\\")
