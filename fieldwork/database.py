"""Connection settings that SQLite needs to behave like the PostgreSQL the app also runs on, the write
lock every writer that reads-then-writes takes on SQLite, and the Spanish order of names on both."""
from __future__ import annotations

import sqlite3
import unicodedata
from typing import Any

from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

from fieldwork.extensions import db

#: ICU's Spanish collation (PostgreSQL built with ICU, as Debian's and the official images are).
POSTGRES_COLLATION = "es-x-icu"
SQLITE_COLLATION = "es"
# Past every letter: "ñ" becomes "n" + this, so that it sorts after every "n…" and before "o".
_AFTER_N = "\U0010ffff"


def spanish_key(text: str) -> tuple[str, str, str]:
    """Sort key as a Spanish reader expects, as ICU's "es" orders: letters first without accents
    ("Ánfora" beside "Anfora", before "Zapatería"), with "ñ" its own letter after "n"; then accents
    (unaccented first); then case (lower case first)."""
    folded = unicodedata.normalize("NFC", text.casefold()).replace("ñ", "n" + _AFTER_N)
    decomposed = unicodedata.normalize("NFD", folded)
    primary = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return primary, decomposed, text.swapcase()


def _compare(a: str | None, b: str | None) -> int:
    left, right = spanish_key(a or ""), spanish_key(b or "")
    return (left > right) - (left < right)


class _Spanish(FunctionElement[str]):
    """A column ordered in Spanish: `COLLATE "es-x-icu"` on PostgreSQL, our `es` collation on SQLite."""

    type = String()
    inherit_cache = True


@compiles(_Spanish)
def _spanish_sqlite(element: _Spanish, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.clauses, **kw)} COLLATE {SQLITE_COLLATION}"


@compiles(_Spanish, "postgresql")
def _spanish_postgresql(element: _Spanish, compiler: Any, **kw: Any) -> str:
    return f'{compiler.process(element.clauses, **kw)} COLLATE "{POSTGRES_COLLATION}"'


def spanish_order(column: Any) -> ColumnElement[str]:
    """Order by `column` as Spanish readers expect (names: Mipymes, officers, pickers)."""
    return _Spanish(column)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked, per connection: without this a visit could point at nothing.
    cursor.execute("PRAGMA foreign_keys=ON")
    # Several gunicorn workers share the file: wait for a writer instead of failing with "database is locked".
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()
    # SQLite orders by code point ("Zapatería" before "Ánfora"); collations are registered per connection.
    dbapi_connection.create_collation(SQLITE_COLLATION, _compare)


def lock_for_writing() -> None:
    """On SQLite take the write lock now (BEGIN IMMEDIATE): what a writer reads next is what it writes over,
    and writers queue up instead of failing mid-way; its savepoints are real (pysqlite, Python < 3.12,
    opens transactions lazily, and a SAVEPOINT it did not open would commit on release). PostgreSQL
    locks rows (FOR UPDATE) or relies on unique keys instead."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


#: JSON value kinds as each database's type function names them (PostgreSQL's jsonb_typeof, SQLite's json_type).
_JSON_KINDS = {
    "postgresql": {"number": ("number",), "string": ("string",), "array": ("array",)},
    "sqlite": {"number": ("integer", "real"), "string": ("text",), "array": ("array",)},
}


def json_kind_is(element: Any, kind: str, dialect: str) -> ColumnElement[bool]:
    """Whether a JSON element (e.g. `Visit.answers[name]`) holds a `kind` ("number", "string" or "array"):
    reading an answer as a number is safe only behind this, since PostgreSQL's cast fails on text (a
    question whose type changed between versions, or an answer stored before today's checks)."""
    if dialect == "postgresql":
        return func.jsonb_typeof(element).in_(_JSON_KINDS["postgresql"][kind])
    return func.json_type(element).in_(_JSON_KINDS["sqlite"][kind])
