"""CSV and XLSX downloads of a table: the same rows, two formats, streamed.

CSV is UTF-8 with a byte-order mark, so Excel opens "Panadería" correctly, and separated by ";",
the list separator of Excel under Colombian (and most Spanish) regional settings, where a comma
is the decimal separator. XLSX is written with openpyxl, with real date and number cells.
Text that starts like a formula is prefixed with an apostrophe (OWASP's CSV injection advice).

Both read their rows as an iterator (a server-side cursor, see `stream_rows`), so memory does not
grow with the number of rows: the CSV is sent line by line as rows arrive; the workbook is built in
openpyxl's write-only mode (rows go to a temporary file, not into memory) and then sent in chunks.
"""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response, stream_with_context
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select

from fieldwork.extensions import db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
#: Rows fetched per round trip of the server-side cursor, and CSV lines per chunk sent.
BATCH = 1000
CHUNK_BYTES = 256 * 1024
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
        return _safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _legend(columns: Columns) -> list[tuple[str, str]]:
    """(header, label) of the columns whose header is a name that needs explaining (form questions)."""
    return [(str(title), title.label) for title, _get in columns if getattr(title, "label", None) is not None]


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
        labels = dict(legend)
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


def _xlsx_chunks(sheet: str, columns: Columns, items: Iterable[Any]) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])  # Excel's limit on sheet names
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for index, (title, _get) in enumerate(columns, start=1):
        cell = WriteOnlyCell(worksheet, value=title)
        cell.font = bold
        header.append(cell)
        worksheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(str(title)) + 4))
    worksheet.append(header)
    getters = [get for _title, get in columns]
    for item in items:
        worksheet.append([xlsx_cell(get(item)) for get in getters])
    if legend := _legend(columns):  # headers stay one row (filters, pandas); the labels get their own sheet
        sheet_of_labels = workbook.create_sheet(_("Preguntas"))
        sheet_of_labels.append([WriteOnlyCell(sheet_of_labels, value=text) for text in (_("Columna"), _("Pregunta"))])
        for name, text in legend:
            sheet_of_labels.append([xlsx_cell(name), xlsx_cell(text)])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(CHUNK_BYTES):
            yield chunk


def xlsx_response(filename: str, sheet: str, columns: Columns, items: Iterable[Any]) -> Response:
    """An XLSX download with a bold, frozen header row."""
    return _download(stream_with_context(_xlsx_chunks(sheet, columns, items)), filename, XLSX_MIMETYPE)
