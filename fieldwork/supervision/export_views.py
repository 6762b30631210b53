"""CSV and XLSX downloads of the Mipyme table and the visit log, with the page's current filters."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import abort
from flask_babel import gettext as _

from fieldwork.clock import today
from fieldwork.exports import csv_response, stream_rows, xlsx_response
from fieldwork.mipymes.aggregates import summarise_all
from fieldwork.mipymes.flags import flag_day
from fieldwork.supervision import OFFICE, bp
from fieldwork.supervision.tables import (
    mipyme_base,
    mipyme_columns,
    mipyme_table_args,
    visit_columns,
    visit_export_query,
    visit_log_args,
)
from fieldwork.web.security import roles_required

FORMATS = ("csv", "xlsx")


def _send(kind: str, fmt: str, sheet: str, columns: list[tuple[str, Any]], items: Iterable[Any]) -> Any:
    """Stream `items` (an iterator: rows are read as they are written) in `fmt`."""
    filename = f"{kind}-{today().isoformat()}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, columns, items)
    return xlsx_response(filename, sheet, columns, items)


@bp.get("/mipymes.<fmt>")
@roles_required(*OFFICE)
def export_mipymes(fmt: str) -> Any:
    """The Mipyme table with its filters and sort, every page of it."""
    if fmt not in FORMATS:
        abort(404)
    _form, filters = mipyme_table_args()
    summaries = summarise_all(mipyme_base(filters), flag_day(), flag=filters.get("flag"),
                              sort=filters.get("sort", "name"), descending=filters.get("order") == "desc")
    return _send("mipymes", fmt, _("Mipymes"), mipyme_columns(), summaries)


@bp.get("/visits.<fmt>")
@roles_required(*OFFICE)
def export_visits(fmt: str) -> Any:
    """The visit log with its filters, every page of it."""
    if fmt not in FORMATS:
        abort(404)
    _form, filters = visit_log_args()
    rows = stream_rows(visit_export_query(filters))
    return _send("visitas", fmt, _("Visitas"), visit_columns(), rows)
