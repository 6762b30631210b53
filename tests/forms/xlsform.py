"""Builds small XLSForm workbooks in memory, so each fixture reads as the spreadsheet it stands for."""
from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO
from typing import Any

from openpyxl import Workbook

Row = dict[str, Any]


def xlsform(survey: list[Row], choices: list[Row] | None = None, settings: Row | None = None,
            extra_sheets: dict[str, list[Row]] | None = None) -> bytes:
    """An .xlsx with a `survey` sheet (one dict a row; the headers are the keys in first-seen order)."""
    book = Workbook()
    _fill(book.active, "survey", survey)
    if choices is not None:
        _fill(book.create_sheet(), "choices", choices)
    if settings is not None:
        _fill(book.create_sheet(), "settings", [settings])
    for name, rows in (extra_sheets or {}).items():
        _fill(book.create_sheet(), name, rows)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def legacy_xls(sheets: dict[str, list[Row]]) -> bytes:
    """The same workbook in the old .xls format (Excel 97-2003), which many programmes still keep."""
    import xlwt  # a test-only dependency (requirements-dev.txt): pyxform reads .xls through xlrd

    book = xlwt.Workbook()
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        headers = _headers(rows)
        for column, header in enumerate(headers):
            sheet.write(0, column, header)
        for number, row in enumerate(rows, start=1):
            for column, header in enumerate(headers):
                if row.get(header) is not None:
                    sheet.write(number, column, row[header])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _headers(rows: list[Row]) -> list[str]:
    headers: list[str] = []
    for row in rows:
        headers += [key for key in row if key not in headers]
    return headers


def _fill(sheet, title: str, rows: list[Row]) -> None:
    sheet.title = title
    headers = _headers(rows)
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(key) for key in headers])


def question(type_: str, name: str, label: str | None = None, **columns: Any) -> Row:
    """One survey row; keyword arguments are further columns (use `label__en` for `label::en`)."""
    row: Row = {"type": type_, "name": name}
    if label is not None:
        row["label"] = label
    row.update({key.replace("__", "::"): value for key, value in columns.items()})
    return row


def choice(list_name: str, name: str, label: str, **columns: Any) -> Row:
    row: Row = {"list_name": list_name, "name": name, "label": label}
    row.update({key.replace("__", "::"): value for key, value in columns.items()})
    return row


def rewritten(content: bytes, part: str, change: Callable[[str], str] | None = None, data: bytes | None = None
              ) -> bytes:
    """The .xlsx with one zip part changed (its XML through `change`) or added (`data`): the hostile
    workbooks no spreadsheet program would write, made from a valid one."""
    source = zipfile.ZipFile(BytesIO(content))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == part and change is not None:
                body = change(body.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, body)
        if data is not None:
            target.writestr(part, data)
    return out.getvalue()
