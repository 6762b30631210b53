"""CSV and XLSX downloads of the Mipyme table and the visit log, with the page's current filters."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

from flask import abort, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from fieldwork.clock import today
from fieldwork.exports import csv_response, stream_rows, xlsx_response
from fieldwork.forms.export_columns import form_export
from fieldwork.mipymes.aggregates import summarise_all
from fieldwork.mipymes.flags import flag_day
from fieldwork.models import Visit
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
    """The visit log with its filters, every page of it; in the XLSX each repeat of the form gets its own
    sheet (a row per instance), in the CSV `?repeat=<name>` gives that repeat's table instead of the visits.
    Each table streams its own pass over the filtered visits: memory stays one chunk of rows."""
    if fmt not in FORMATS:
        abort(404)
    _form, filters = visit_log_args()
    form = form_export()
    if fmt == "csv" and "repeat" in request.args:
        table = form.repeat(request.args["repeat"])
        if table is None:
            _refuse(_("El formulario no tiene la repetición «%(name)s»: use el nombre de una repetición "
                         "de alguna versión publicada.", name=request.args["repeat"][:100]))
        return csv_response(f"visitas-{table.name}-{today().isoformat()}.csv", table.columns,
                            table.rows(_answers_of(filters)))
    columns = visit_columns()
    rows = stream_rows(visit_export_query(filters))
    if fmt == "csv":
        return _send("visitas", fmt, _("Visitas"), columns, rows)
    more = [(table.name, table.columns, table.rows(_answers_of(filters))) for table in form.repeats]
    return xlsx_response(f"visitas-{today().isoformat()}.xlsx", _("Visitas"), columns, rows, more)


def _refuse(message: str) -> NoReturn:
    error = BadRequest(message)
    error.fieldwork_message = True  # type: ignore[attr-defined]  (fieldwork/web/errors.py shows it)
    raise error


def _answers_of(filters: dict[str, Any]) -> Iterator[Any]:
    """The filtered visits' id, version and answers, streamed in the log's order (read only when iterated)."""
    yield from stream_rows(visit_export_query(filters).with_only_columns(
        Visit.id, Visit.form_version_id, Visit.answers).where(Visit.answers.is_not(None)))
