"""`MipymeResults`: one row per Mipyme with the baseline and latest of each indicator and its size band,
from fieldwork.results.service.mipyme_rows (the rules of API.md's "Programme results" have one home).

Its `$filter` is the results' filters: `eq` on sector, macro_sector, neighborhood, officer_id, status,
and `ge`/`le` on enrolled_on (a cohort), joined by `and`; a custom option `as_of=YYYY-MM-DD` gives the
day. Pages follow the Mipyme's id.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from flask_babel import gettext as _
from odata_query import ast

from fieldwork.odata.entities import Column, EntitySet, json_value
from fieldwork.odata.errors import bad_request, not_supported
from fieldwork.odata.options import Options, literal_value
from fieldwork.odata.pages import Page, page_size, selected_columns
from fieldwork.results import service
from fieldwork.results.catalogue import INDICATORS

_KINDS = {"number": "Edm.Double", "integer": "Edm.Int64", "yes_no": "Edm.Int32"}
_EQUAL_FILTERS = ("sector", "macro_sector", "neighborhood", "officer_id", "status")
_BANDS = ("baseline", "latest")


def _columns() -> list[Column]:
    columns = [Column("id", "Edm.Int32", nullable=False), Column("name", "Edm.String", nullable=False),
               Column("nit", "Edm.String"), Column("sector", "Edm.String"), Column("ciiu", "Edm.String"),
               Column("macro_sector", "Edm.String"), Column("neighborhood", "Edm.String"),
               Column("officer_id", "Edm.Int32"), Column("officer_name", "Edm.String"),
               Column("status", "Edm.String"), Column("enrolled_on", "Edm.Date")]
    for indicator in INDICATORS:
        edm = _KINDS[indicator.kind]
        columns += [Column(f"{indicator.code}_baseline", edm), Column(f"{indicator.code}_latest", edm),
                    Column(f"{indicator.code}_baseline_on", "Edm.Date"),
                    Column(f"{indicator.code}_latest_on", "Edm.Date"),
                    Column(f"{indicator.code}_change", "Edm.Double" if edm == "Edm.Double" else "Edm.Int64")]
    for moment in _BANDS:
        columns += [Column(f"size_band_{moment}", "Edm.String"),
                    # 12 × a mean of months: pesos, exact, not always whole.
                    Column(f"annual_revenue_cop_{moment}", "Edm.Decimal"),
                    Column(f"uvt_year_{moment}", "Edm.Int32")]
    return columns


def mipyme_results() -> EntitySet:
    return EntitySet("MipymeResults", "MipymeResult", "id", _columns())


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A row of mipyme_rows with its indicators and bands spread into columns."""
    flat = {key: value for key, value in row.items() if key not in ("indicators", "size_band")}
    for code, values in (row.get("indicators") or {}).items():
        flat.update({f"{code}_{part}": values.get(part) for part in ("baseline", "latest", "baseline_on",
                                                                     "latest_on", "change")})
    for moment in _BANDS:
        band = (row.get("size_band") or {}).get(moment) or {}
        flat.update({f"size_band_{moment}": band.get("band"), f"annual_revenue_cop_{moment}":
                     band.get("annual_revenue_cop"), f"uvt_year_{moment}": band.get("uvt_year")})
    return flat


def filters(entity_set: EntitySet, tree: ast._Node | None) -> service.ResultFilters:
    """The results' filters a `$filter` names (anything else is not a filter of the results: 501)."""
    chosen: dict[str, Any] = {"as_of": _as_of()}
    pending = [tree] if tree is not None else []
    while pending:
        node = pending.pop()
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            pending += [node.left, node.right]
            continue
        if not (isinstance(node, ast.Compare) and isinstance(node.left, ast.Identifier)
                and isinstance(node.right, ast._Literal)):
            raise not_supported(_("MipymeResults se filtra con «columna eq valor» unidos por and."))
        name, comparator = node.left.name, type(node.comparator)
        if name in _EQUAL_FILTERS and comparator is ast.Eq:
            chosen[name] = literal_value(entity_set.by_name[name], node.right)
        elif name == "enrolled_on" and comparator in (ast.GtE, ast.LtE):
            key = "enrolled_from" if comparator is ast.GtE else "enrolled_to"
            chosen[key] = literal_value(entity_set.by_name[name], node.right)
        else:
            raise not_supported(_("MipymeResults se filtra por %(names)s (eq) y enrolled_on (ge, le).",
                                  names=", ".join(_EQUAL_FILTERS)))
    return service.ResultFilters(**chosen)


def _as_of() -> date | None:
    text = request.args.get("as_of")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise bad_request(_("as_of es una fecha AAAA-MM-DD.")) from None


def read_page(entity_set: EntitySet, options: Options, args: dict[str, str]) -> Page:
    """A page of Mipymes' results, by id after `$skiptoken`."""
    if options.count or options.skip or (options.order_by and [c.name for c, _d in options.order_by] != ["id"]):
        raise not_supported(_("MipymeResults se lee por páginas en orden de id: sin $count, $skip ni otro "
                              "$orderby."))
    after = None
    if options.skiptoken is not None:
        if not options.skiptoken.isascii() or not options.skiptoken.isdigit() or len(options.skiptoken) > 18:
            raise bad_request(_("$skiptoken no es válido: pida la primera página de nuevo."))
        after = int(options.skiptoken)
    limit = page_size() if options.top is None else min(page_size(), options.top)
    rows = list(service.mipyme_rows(filters(entity_set, options.filter), after_id=after, limit=limit + 1))
    more = len(rows) > limit and (options.top is None or options.top > limit)
    rows = rows[:limit]
    columns = selected_columns(entity_set, options)
    body = [{c.name: json_value(c.edm, flat.get(c.name)) for c in columns} for flat in map(_flat, rows)]
    next_args = None
    if more:
        next_args = {k: v for k, v in args.items() if k not in ("$skiptoken", "$top")}
        next_args["$skiptoken"] = str(rows[-1]["id"])
        if options.top is not None:
            next_args["$top"] = str(options.top - len(rows))
    return Page(body, None, next_args)
