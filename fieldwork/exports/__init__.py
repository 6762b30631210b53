"""CSV and XLSX downloads of a table: the same rows, two formats, streamed.

CSV is UTF-8 with a byte-order mark, so Excel opens "Panadería" correctly, and separated by ";",
the list separator of Excel under Colombian (and most Spanish) regional settings, where a comma
is the decimal separator. XLSX has real date and number cells. Text that starts like a formula
is prefixed with an apostrophe (OWASP's CSV injection advice).

Both read their rows as an iterator (a server-side cursor, see `stream_rows`) and send them as they
arrive, so the download starts at once and memory does not grow with the number of rows: the CSV
line by line, the workbook through `fieldwork.exports.xlsx_stream`, compressed a chunk of rows at a time.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import Select

from fieldwork.exports.xlsx_stream import ILLEGAL_XML, Sheet, unique_sheet_names, workbook_chunks
from fieldwork.extensions import db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
#: Rows fetched per round trip of the server-side cursor, and CSV lines per chunk sent.
BATCH = 1000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Columns = Sequence[tuple[str, Callable[[Any], Any]]]


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_cell(value: Any) -> str:
    """How one value is written in the CSV."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    return _safe_text(str(value))


def xlsx_cell(value: Any) -> Any:
    """How one value is written in the workbook (Excel has no time zones: local wall time).

    XML 1.0 cannot hold most control characters (a stray \\x01 pasted into a note): they are
    dropped, before the formula check so that "\\x01=1+1" is still escaped."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, str):
        return _safe_text(ILLEGAL_XML.sub("", value))
    return value


def _legend(columns: Columns) -> list[tuple[str, str, str]]:
    """(header, label, what its values mean) of the columns whose header is a name that needs explaining
    (form questions; the values of a select_one, "" for others)."""
    return [(str(title), title.label, getattr(title, "values", ""))
            for title, _get in columns if getattr(title, "label", None) is not None]


def stream_rows(query: Select[Any]) -> Iterator[Any]:
    """The rows of `query` through a server-side cursor (PostgreSQL; SQLite fetches lazily anyway)."""
    yield from db.session.execute(query.execution_options(yield_per=BATCH))


def _download(body: Any, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _csv_lines(columns: Columns, items: Iterable[Any]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    buffer.write("\ufeff")
    writer.writerow([title for title, _get in columns])
    if legend := _legend(columns):  # a second header row: each form question's label under its name
        labels = {name: label for name, label, _values in legend}
        writer.writerow([csv_cell(labels.get(title, "")) for title, _get in columns])
    yield flush()  # the header at once: the download starts before the first row is read
    getters = [get for _title, get in columns]
    for count, item in enumerate(items, start=1):
        writer.writerow([csv_cell(get(item)) for get in getters])
        if count % BATCH == 0:
            yield flush()
    yield flush()


def csv_response(filename: str, columns: Columns, items: Iterable[Any]) -> Response:
    """A CSV download (UTF-8 with BOM, ";"-separated), sent as its rows are read."""
    return _download(stream_with_context(_csv_lines(columns, items)), filename, "text/csv; charset=utf-8")


def _width(text: str, widest: int = 40) -> int:
    return max(12, min(widest, len(text) + 4))


def _data_sheet(sheet: str, columns: Columns, items: Iterable[Any]) -> Sheet:
    getters = [get for _title, get in columns]
    rows = ([xlsx_cell(get(item)) for get in getters] for item in items)  # read as the file is sent
    return Sheet(sheet, [title for title, _get in columns], rows, [_width(str(title)) for title, _get in columns])


def _xlsx_sheets(tables: Sequence[tuple[str, Columns, Iterable[Any]]]) -> list[Sheet]:
    """A sheet per table, then the legend of their form columns ("Hoja" says whose, when there are several)."""
    names = unique_sheet_names([name for name, _columns, _items in tables])
    sheets = [_data_sheet(name, columns, items) for name, (_name, columns, items) in zip(names, tables, strict=True)]
    legend = [(*row, name) for name, (_name, columns, _items) in zip(names, tables, strict=True)
              for row in _legend(columns)]
    if legend:  # headers stay one row (filters, pandas); the labels get their own sheet
        several = len(tables) > 1
        header = [_("Columna"), _("Pregunta"), _("Valores")] + ([_("Hoja")] if several else [])
        widths = [_width(max((row[n] for row in legend), key=len), widest=40 if n == 0 else 80)
                  for n in range(len(header))]
        rows = [[xlsx_cell(text) for text in (row if several else row[:3])] for row in legend]
        sheets.append(Sheet(unique_sheet_names([*names, _("Preguntas")])[-1], header, rows, widths))
    return sheets


def xlsx_response(filename: str, sheet: str, columns: Columns, items: Iterable[Any],
                  more: Sequence[tuple[str, Columns, Iterable[Any]]] = ()) -> Response:
    """An XLSX download with a bold, frozen header row on each sheet, sent as its rows are read: `sheet`,
    then the `more` tables (name, columns, rows), each read only when its sheet is written."""
    body = workbook_chunks(_xlsx_sheets([(sheet, columns, items), *more]))
    return _download(stream_with_context(body), filename, XLSX_MIMETYPE)
