"""A repeat's instances read by the database, for the charts: a row per instance of `answers.<repeat>` and a
question's value in it, on PostgreSQL (jsonb) and SQLite (json1) alike.

Stored answers are validated, but a list stored by older code may hold a number or a string: such an item is
never read as an object (on SQLite a string item's value is its bare text, which json functions refuse), and
a repeat that is not a list gives no instance.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Float, case, cast, func, literal, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

_SQLITE_KINDS = {"number": ("integer", "real"), "string": ("text",), "array": ("array",)}


class Instances:
    """The instances of one repeat in a JSON document (a column, e.g. a CTE's `answers`), to join."""

    def __init__(self, document: ColumnElement[Any], repeat: str, dialect: str, alias: str) -> None:
        self.postgres = dialect == "postgresql"
        if self.postgres:
            listed = type_coerce(document, JSONB)[repeat]
            safe = case((func.jsonb_typeof(listed) == "array", listed), else_=cast(literal("[]"), JSONB))
            self.table = func.jsonb_array_elements(safe).table_valued("value").render_derived(name=alias)
            self.value = type_coerce(self.table.c.value, JSONB)
            self.is_object = func.jsonb_typeof(self.value) == "object"
        else:
            path = _path(repeat)
            safe = case((func.json_type(document, path) == "array", document), else_=literal("{}"))
            self.table = func.json_each(safe, path).table_valued("value", "type").alias(alias)
            self.value = self.table.c.value
            self.is_object = self.table.c.type == "object"

    def holds(self, name: str, kind: str) -> ColumnElement[bool]:
        """The instance is an object whose `name` holds a `kind` ("number", "string" or "array")."""
        if self.postgres:
            return self.is_object & (func.jsonb_typeof(self.value[name]) == {"number": "number", "string": "string",
                                                                             "array": "array"}[kind])
        return case((self.is_object, func.json_type(self.value, _path(name))), else_=None).in_(_SQLITE_KINDS[kind])

    def number(self, name: str) -> ColumnElement[Any]:
        """`name` as a float where it is a number, else NULL."""
        if self.postgres:
            return case((self.holds(name, "number"), self.value[name].as_float()))
        return case((self.holds(name, "number"), cast(func.json_extract(self.value, _path(name)), Float)))

    def text(self, name: str) -> ColumnElement[Any]:
        """`name` as text where it is a string (a select_one's choice), else NULL."""
        if self.postgres:
            return case((self.holds(name, "string"), self.value[name].as_string()))
        return case((self.holds(name, "string"), func.json_extract(self.value, _path(name))))

    def chosen(self, name: str, alias: str) -> tuple[Any, ColumnElement[Any]]:
        """The items of a select_multiple's list in the instance: (a table to join, its value column)."""
        if self.postgres:
            listed = case((self.holds(name, "array"), self.value[name]), else_=cast(literal("[]"), JSONB))
            items = func.jsonb_array_elements_text(listed).table_valued("value").render_derived(name=alias)
            return items, items.c.value
        document = case((self.holds(name, "array"), self.value), else_=literal("{}"))
        items = func.json_each(document, _path(name)).table_valued("value").alias(alias)
        return items, items.c.value


def _path(name: str) -> str:
    return '$."' + name.replace('"', "") + '"'
