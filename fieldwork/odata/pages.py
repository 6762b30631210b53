"""One page of an entity set: the options applied to its query, at most a server page of rows, and the
link to the next page.

Without `$orderby` pages follow the key (`$skiptoken` is the last key sent), so each page is one index
range scan whatever the page's depth; with `$orderby` the next link carries `$skip` further on.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from fieldwork.extensions import db
from fieldwork.models import User
from fieldwork.odata.entities import ANSWERS, Column, EntitySet, answer_value, json_value
from fieldwork.odata.errors import bad_request
from fieldwork.odata.options import Options, where_clause

DEFAULT_PAGE_SIZE = 1000


@dataclass
class Page:
    rows: list[dict[str, Any]]
    count: int | None
    #: The query options of the next page (None on the last page).
    next_args: dict[str, str] | None


def page_size() -> int:
    return int(current_app.config.get("ODATA_PAGE_SIZE", DEFAULT_PAGE_SIZE))


def filtered(entity_set: EntitySet, reader: User, options: Options) -> Select[Any]:
    query = entity_set.source(reader)
    return query.where(where_clause(entity_set, options.filter)) if options.filter is not None else query


def count_rows(query: Select[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def read_page(entity_set: EntitySet, reader: User, options: Options, args: dict[str, str]) -> Page:
    """The page `options` ask for, each row with the selected columns as OData JSON values."""
    query = filtered(entity_set, reader, options)
    total = count_rows(query) if options.count else None
    key = entity_set.by_name[entity_set.key].sql
    if options.order_by:
        query = query.order_by(*((c.sql.desc() if desc else c.sql.asc()) for c, desc in options.order_by), key)
        query = query.offset(options.skip)
    else:
        query = query.order_by(key)
        if options.skiptoken is not None:
            query = query.where(key > _key_value(entity_set, options.skiptoken))
        elif options.skip:
            query = query.offset(options.skip)
    size = page_size()
    limit = size if options.top is None else min(size, options.top)
    fetched = db.session.execute(query.limit(limit + 1)).all()
    more = len(fetched) > limit and (options.top is None or options.top > limit)
    rows = fetched[:limit]
    columns = selected_columns(entity_set, options)
    body = [row_json(columns, row._mapping) for row in rows]
    next_args = None
    if more:
        next_args = {k: v for k, v in args.items() if k not in ("$skip", "$skiptoken", "$top")}
        if options.top is not None:
            next_args["$top"] = str(options.top - len(rows))
        if options.order_by:
            next_args["$skip"] = str(options.skip + len(rows))
        else:
            next_args["$skiptoken"] = str(rows[-1]._mapping[entity_set.key])
    return Page(body, total, next_args)


def _key_value(entity_set: EntitySet, token: str) -> Any:
    if entity_set.by_name[entity_set.key].edm == "Edm.String":
        if len(token) > 64:
            raise bad_request(_("$skiptoken no es válido: pida la primera página de nuevo."))
        return token
    if not token.isascii() or not token.isdigit() or len(token) > 18:
        raise bad_request(_("$skiptoken no es válido: pida la primera página de nuevo."))
    return int(token)


def selected_columns(entity_set: EntitySet, options: Options) -> list[Column]:
    if options.select is None:
        return entity_set.columns
    return [entity_set.by_name[name] for name in dict.fromkeys(options.select)]


def row_json(columns: list[Column], values: Any) -> dict[str, Any]:
    """A row as OData JSON: plain columns by their label, answers from the visit's answers document."""
    answers = values.get(ANSWERS) if any(c.question for c in columns) else None
    return {c.name: answer_value(c, answers) if c.question else json_value(c.edm, values[c.name]) for c in columns}


def link(root: str, path: str, args: dict[str, str]) -> str:
    return f"{root}{path}?" + urlencode(args, quote_via=quote, safe="$,'()")


def collection_body(context: str, rows: Iterable[dict[str, Any]], count: int | None,
                    next_link: str | None) -> Iterator[str]:
    """The answer in chunks, a row at a time (OData's streaming order: count before the rows, the next
    link after them)."""
    yield json.dumps({"@odata.context": context})[:-1]
    if count is not None:
        yield f', "@odata.count": {count}'
    yield ', "value": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
    yield "]"
    if next_link is not None:
        yield ", " + json.dumps({"@odata.nextLink": next_link})[1:-1]
    yield "}"
