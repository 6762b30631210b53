"""The XLSX download is written while its rows are read: first bytes at once, memory flat, and a
workbook that opens in openpyxl with the cells it had when openpyxl wrote it."""
from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from fieldwork.exports import xlsx_response
from fieldwork.exports.xlsx_stream import ROWS_PER_CHUNK, column_letter
from fieldwork.forms.export_columns import ColumnTitle

BOGOTA = ZoneInfo("America/Bogota")
ROWS = 5000

COLUMNS = [
    ("Id", lambda r: r["id"]),
    ("Fecha de la visita", lambda r: r["visited_at"]),
    ("Seguimiento", lambda r: r["due"]),
    ("Ventas mensuales (COP)", lambda r: r["sales"]),
    ("Latitud", lambda r: r["latitude"]),
    ("Notas", lambda r: r["notes"]),
    ("Recibida", lambda r: r["received"]),
]


def visit(number: int, **changes) -> dict:
    return {"id": uuid.uuid4().hex, "visited_at": datetime(2025, 3, 20, 9, 0, tzinfo=BOGOTA),
            "due": date(2025, 3, 25), "sales": 2_500_000 + number, "latitude": 10.4631, "notes": f"nota {number}",
            "received": True, **changes}


class CountingRows:
    """The rows as the database cursor hands them out, counting how many were taken."""

    def __init__(self, total: int) -> None:
        self.total, self.taken = total, 0

    def __iter__(self) -> Iterator[dict]:
        for number in range(self.total):
            self.taken += 1
            yield visit(number)


def download(app, columns, items, sheet="Visitas") -> bytes:
    with app.test_request_context():
        return b"".join(xlsx_response("visitas.xlsx", sheet, columns, items).response)


def test_the_first_bytes_leave_before_the_rows_are_read(app):
    rows = CountingRows(ROWS)
    taken_at_each_chunk, sizes = [], []
    with app.test_request_context():
        response = xlsx_response("visitas.xlsx", "Visitas", COLUMNS, rows)
        assert response.is_streamed and rows.taken == 0  # nothing read before the body is asked for
        for chunk in response.response:
            if chunk:
                taken_at_each_chunk.append(rows.taken)
                sizes.append(len(chunk))
    assert taken_at_each_chunk[0] == 0, "the workbook's first parts go out before the first row is read"
    # Memory is flat: bytes leave all along the iteration, never more than a few chunks of rows apart,
    # and no chunk holds more than a fraction of the file.
    assert len(taken_at_each_chunk) > 4
    gaps = [later - earlier for earlier, later in zip(taken_at_each_chunk, taken_at_each_chunk[1:], strict=False)]
    assert max(gaps) <= 2 * ROWS_PER_CHUNK
    assert max(sizes) < sum(sizes) / 3
    body = download(app, COLUMNS, CountingRows(ROWS))
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    assert load_workbook(io.BytesIO(body)).active.max_row == ROWS + 1


def test_the_workbook_keeps_typed_cells_a_bold_frozen_header_and_clean_text(app):
    rows = [visit(1, notes="Pagó\x01 en\x0b efectivo, señor José", latitude=None),
            visit(2, notes="=1+1", visited_at=datetime(2025, 3, 1, 23, 30, tzinfo=BOGOTA), received=False),
            visit(3, notes="-5 <b>&amp;</b>\r\nsegunda línea", due=None, sales=None)]
    body = download(app, COLUMNS, rows)
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Visitas"]  # no legend without form questions
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width == 12 and sheet.column_dimensions["D"].width == 26
    header, *data = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == [title for title, _get in COLUMNS]
    first, second, third = (dict(zip(header, row, strict=True)) for row in data)
    assert first["Ventas mensuales (COP)"] == 2_500_001 and sheet["D2"].data_type == "n"
    assert second["Latitud"] == 10.4631
    assert first["Fecha de la visita"] == datetime(2025, 3, 20, 9, 0)  # Bogotá wall time, no zone
    assert second["Fecha de la visita"] == datetime(2025, 3, 1, 23, 30)
    assert sheet["B2"].is_date and sheet["C2"].is_date and first["Seguimiento"] == datetime(2025, 3, 25)
    assert sheet["B2"].number_format == "yyyy-mm-dd h:mm:ss" and sheet["C2"].number_format == "yyyy-mm-dd"
    assert first["Notas"] == "Pagó en efectivo, señor José"  # \x01 and \x0b dropped, accents kept
    assert second["Notas"] == "'=1+1" and third["Notas"] == "'-5 <b>&amp;</b>\r\nsegunda línea"
    assert (first["Recibida"], second["Recibida"]) == ("sí", "no")
    assert first["Latitud"] is None and third["Seguimiento"] is None and third["Ventas mensuales (COP)"] is None


def test_form_questions_get_a_legend_sheet(app):
    columns = [*COLUMNS[:1], (ColumnTitle("monto", "¿Cuánto le prestaron?"), lambda r: 4_500_000),
               (ColumnTitle("fuente", "=Fuente del préstamo", "banco = Banco; otro = Otro"), lambda r: "banco")]
    book = load_workbook(io.BytesIO(download(app, columns, [visit(1)])))
    visits, legend = book.worksheets
    assert book.sheetnames == ["Visitas", "Preguntas"]
    assert [cell.value for cell in visits[2]][1:] == [4_500_000, "banco"]
    assert list(legend.iter_rows(values_only=True)) == [
        ("Columna", "Pregunta", "Valores"), ("monto", "¿Cuánto le prestaron?", None),
        ("fuente", "'=Fuente del préstamo", "banco = Banco; otro = Otro")]
    assert legend["A1"].font.b


@pytest.mark.parametrize(("name", "expected"), [
    ("Visitas & más <marzo>", "Visitas & más <marzo>"),  # escaped in the XML, intact in Excel
    ("Visitas de la comuna 5: barrio El Cañaguate", "Visitas de la comuna 5 barrio E"),  # 31 characters
    ("[]", "Hoja"),
])
def test_sheet_names_are_what_excel_accepts(app, name, expected):
    assert load_workbook(io.BytesIO(download(app, COLUMNS, [], sheet=name))).sheetnames == [expected]


def test_column_letters_go_past_z():
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
