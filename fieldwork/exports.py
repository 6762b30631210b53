"""CSV and XLSX downloads of a table: the same rows, two formats.

CSV is UTF-8 with a byte-order mark, so Excel opens "Panadería" correctly, and separated by ";",
the list separator of Excel under Colombian (and most Spanish) regional settings, where a comma
is the decimal separator. XLSX is written with openpyxl, with real date and number cells.
Text that starts like a formula is prefixed with an apostrophe (OWASP's CSV injection advice).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"


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
    """How one value is written in the workbook (Excel has no time zones: local wall time)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, str):
        return _safe_text(value)
    return value


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download (UTF-8 with BOM, ";"-separated)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return _download(("\ufeff" + buffer.getvalue()).encode("utf-8"), filename, "text/csv; charset=utf-8")


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """An XLSX download with a bold, frozen header row."""
    workbook = Workbook(write_only=False)
    worksheet = workbook.active
    worksheet.title = sheet[:31]  # Excel's limit on sheet names
    worksheet.append(list(headers))
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    worksheet.freeze_panes = "A2"
    for row in rows:
        worksheet.append([xlsx_cell(v) for v in row])
    for column, header in zip(worksheet.columns, headers, strict=False):
        worksheet.column_dimensions[column[0].column_letter].width = max(12, min(40, len(str(header)) + 4))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(buffer.getvalue(), filename,
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
