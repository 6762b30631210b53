"""Builds small XLSForm workbooks in memory, so each fixture reads as the spreadsheet it stands for."""
from __future__ import annotations

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


def _fill(sheet, title: str, rows: list[Row]) -> None:
    sheet.title = title
    headers: list[str] = []
    for row in rows:
        headers += [key for key in row if key not in headers]
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
