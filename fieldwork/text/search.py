"""Search that ignores case and accents: `ceramica` finds "Cerámica Atánquez".

`fold` is the one rule, here and on the phone (static/js/fold.js), held alike by tests/cases/fold.json.
The stored side is folded once, on write, into `mipymes.search_name` (see models/mipyme.py), the typed
side on each search. The database only compares folded text with LIKE, so SQLite and PostgreSQL answer
alike (neither's collation or `lower()` knows Spanish accents the same way, and SQLite's knows none).
"""
from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

#: Folding can lengthen text ("ﬃ" → "ffi"); the column keeps this much, far past any real name.
SEARCH_NAME_LENGTH = 640


def fold(text: str | None) -> str:
    """Upper- then lower-case, decompose (NFKD) and drop every mark: "Cerámica ÑOÑO" → "ceramica nono".

    Upper then lower, not casefold: JavaScript has no casefold, and this gives "ß" → "ss" on both sides.
    """
    decomposed = unicodedata.normalize("NFKD", (text or "").upper().lower())
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))


def folded_name(text: str | None) -> str:
    """`text` as `mipymes.search_name` keeps it: folded, cut to the column's length."""
    return fold(text)[:SEARCH_NAME_LENGTH]


def contains_pattern(query: str) -> str:
    """A LIKE pattern for "contains `query`", folded, with `%`, `_` and `\\` taken literally."""
    folded = folded_name(query.strip())  # (a longer query could never match a stored name)
    return "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def name_matches(column: Any, query: str) -> ColumnElement[bool]:
    """`column` (a folded search column, e.g. Mipyme.search_name) contains `query`, ignoring case and accents."""
    return column.like(contains_pattern(query), escape="\\")
