"""CSV and XLSX downloads of the Mipyme table and the visit log, with the page's current filters."""
from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _

from fieldwork.aggregates import summarise_all
from fieldwork.clock import flag_day, today
from fieldwork.exports import csv_response, xlsx_response
from fieldwork.extensions import db
from fieldwork.security import roles_required
from fieldwork.supervision import bp
from fieldwork.supervision.tables import (
    mipyme_base,
    mipyme_columns,
    mipyme_table_args,
    visit_columns,
    visit_log_args,
    visit_log_query,
)

FORMATS = ("csv", "xlsx")


def _send(kind: str, fmt: str, sheet: str, columns: list[tuple[str, Any]], items: list[Any]) -> Any:
    if fmt not in FORMATS:
        abort(404)
    headers = [title for title, _get in columns]
    rows = [[get(item) for _title, get in columns] for item in items]
    filename = f"{kind}-{today().isoformat()}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, headers, rows)
    return xlsx_response(filename, sheet, headers, rows)


@bp.get("/mipymes.<fmt>")
@roles_required("supervisor", "admin")
def export_mipymes(fmt: str) -> Any:
    """The Mipyme table with its filters and sort, every page of it."""
    _form, filters = mipyme_table_args()
    summaries = summarise_all(mipyme_base(filters), flag_day(), flag=filters.get("flag"),
                              sort=filters.get("sort", "name"), descending=filters.get("order") == "desc")
    return _send("mipymes", fmt, _("Mipymes"), mipyme_columns(), summaries)


@bp.get("/visits.<fmt>")
@roles_required("supervisor", "admin")
def export_visits(fmt: str) -> Any:
    """The visit log with its filters, every page of it."""
    _form, filters = visit_log_args()
    rows = db.session.execute(visit_log_query(filters)).all()
    return _send("visitas", fmt, _("Visitas"), visit_columns(), rows)
