"""A repeat of the current form as its own entity set, `Visits_<repeat name>`: a row per instance with `id`
(the key: the visit's id and the index path, "<visit id>-001-002"), `visit_id`, `parent_index` for a repeat
inside a repeat ("1", or "1.2" deeper down), `index` (from 1) and the repeat's questions, like its sheet in
the XLSX export.

The instances are rows of SQL, unnested from the visit's answers by the database (json_each on SQLite,
jsonb_array_elements WITH ORDINALITY on PostgreSQL), so paging, `$count`, `$filter` on the plain columns and
`$orderby` work as on any set, and a page reads only its rows. What is not a list of objects (stored by older
code) gives no row.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String, case, cast, func, literal, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from fieldwork.extensions import db
from fieldwork.forms.outline import Repeat, repeats
from fieldwork.models import User, Visit
from fieldwork.odata.entities import ANSWERS, Column, EntitySet, _identifier, level_columns
from fieldwork.visits.access import visible_visits

PREFIX = "Visits_"
_PADDING = 3  # an index path part: at most 200 instances a list (forms-v3 §2), so keys sort by instance


def repeat_sets(stored: dict[str, Any] | None) -> list[EntitySet]:
    """One set per repeat of the definition (outer before inner); two repeats whose names make one
    identifier: the first keeps it."""
    sets: list[EntitySet] = []
    taken: set[str] = set()
    for repeat, parents in repeats((stored or {}).get("questions", [])):
        name = _identifier(PREFIX + repeat.name)
        if name in taken:
            continue
        taken.add(name)
        sets.append(_repeat_set(name, (*parents, repeat)))
    return sets


def _repeat_set(name: str, path: tuple[Repeat, ...]) -> EntitySet:
    postgres = db.session.get_bind().dialect.name == "postgresql"
    unnest = _postgres_unnest if postgres else _sqlite_unnest
    document: ColumnElement[Any] = Visit.answers
    is_object: ColumnElement[bool] | None = None  # the answers document is always an object
    joins, indexes = [], []
    for depth, repeat in enumerate(path):
        element, index, is_object = unnest(document, is_object, repeat.name, f"r{depth}")
        joins.append((element, is_object))
        indexes.append(index)
        document = element.c.value
    key = Visit.id
    for index in indexes:
        key = key + literal("-") + _padded(index, postgres)
    plain = [Column("id", "Edm.String", key, nullable=False), Column("visit_id", "Edm.String", Visit.id, False)]
    if len(indexes) == 2:
        plain.append(Column("parent_index", "Edm.Int32", indexes[0], False))
    elif len(indexes) > 2:
        dotted = cast(indexes[0], String)
        for index in indexes[1:-1]:
            dotted = dotted + literal(".") + cast(index, String)
        plain.append(Column("parent_index", "Edm.String", dotted, False, sortable=False))
    plain.append(Column("index", "Edm.Int32", indexes[-1], False))
    columns = plain + level_columns(path[-1].level(), {c.name for c in plain})
    instance = type_coerce(document, Visit.answers.type)

    def source(reader: User) -> Any:
        query = visible_visits(reader).with_only_columns(*(c.sql.label(c.name) for c in plain),
                                                         instance.label(ANSWERS))
        left: Any = Visit
        for element, objects in joins:
            query = query.join_from(left, element, objects)  # only the instances that are objects
            left = element
        return query

    return EntitySet(name, "Visit_" + name.removeprefix(PREFIX), "id", columns, source)


def _padded(index: ColumnElement[Any], postgres: bool) -> ColumnElement[Any]:
    if postgres:
        return func.lpad(cast(index, String), _PADDING, "0")
    return func.printf(f"%0{_PADDING}d", index)


Unnested = tuple[Any, ColumnElement[Any], ColumnElement[bool]]


def _postgres_unnest(document: ColumnElement[Any], _is_object: ColumnElement[bool] | None, name: str,
                     alias: str) -> Unnested:
    """The list under `name` of a jsonb document: a row per element with its ordinality (none when it is
    not a list; `->` of a scalar is NULL), and the condition that the element is an object."""
    listed = type_coerce(document, JSONB)[name]
    safe = case((func.jsonb_typeof(listed) == "array", listed), else_=cast(literal("[]"), JSONB))
    element = (func.jsonb_array_elements(safe).table_valued("value", with_ordinality="n")
               .render_derived(name=alias).lateral(alias))
    return element, element.c.n, func.jsonb_typeof(element.c.value) == "object"


def _sqlite_unnest(document: ColumnElement[Any], is_object: ColumnElement[bool] | None, name: str,
                   alias: str) -> Unnested:
    """The same with json_each. An element that is not an object is never parsed (a string element's value
    is its bare text, not JSON): `is_object` says whether the enclosing element is one."""
    path = '$."' + name.replace('"', "") + '"'
    text = document if is_object is None else case((is_object, document), else_=literal("{}"))
    safe = case((func.json_type(text, path) == "array", text), else_=literal("{}"))
    element = func.json_each(safe, path).table_valued("key", "value", "type").alias(alias)
    return element, cast(element.c.key, Integer) + 1, element.c.type == "object"
