"""The demo's programme form: readable CSV sheets beside the XLSForm that is built from them.

The CSVs are the source (a diff shows which question changed); `valledupar.xlsx` is what a supervisor
downloads, edits in Excel or LibreOffice and uploads. After editing a CSV, rebuild the workbook with
`python -m fieldwork.demo.form` (tests/test_demo_form.py fails while the two disagree).
"""
from __future__ import annotations

import csv
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
WORKBOOK = HERE / "valledupar.xlsx"
SHEETS = ("survey", "choices", "settings")


def source_rows(sheet: str) -> list[list[str]]:
    """One sheet's rows as written in its CSV, header first."""
    with (HERE / f"{sheet}.csv").open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle) if row]


def build_workbook() -> bytes:
    """The .xlsx the CSV sheets describe (empty cells left blank, as a spreadsheet would)."""
    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        target = book.create_sheet(sheet)
        for row in source_rows(sheet):
            target.append([cell or None for cell in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
