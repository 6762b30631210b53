"""The demo's Valledupar XLSForm: its workbook is what its CSV sources say, and a supervisor's page takes it."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from fieldwork.demo.form import SHEETS, WORKBOOK, build_workbook, source_rows
from tests.builders import make_user
from tests.conftest import login


def _cells(content: bytes) -> dict[str, list[list[str]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet: [["" if cell is None else str(cell) for cell in row]
                    for row in book[sheet].iter_rows(values_only=True)]
            for sheet in book.sheetnames}


def test_the_committed_workbook_is_what_its_csv_sheets_build():
    # Fails when someone edits a CSV and forgets `python -m fieldwork.demo.form` (or edits only the .xlsx).
    committed = _cells(WORKBOOK.read_bytes())
    assert list(committed) == list(SHEETS)
    assert committed == _cells(build_workbook())
    assert committed == {sheet: source_rows(sheet) for sheet in SHEETS}


def test_the_form_asks_what_the_programme_follows_in_both_languages():
    survey = source_rows("survey")
    header, rows = survey[0], [dict(zip(survey[0], row, strict=True)) for row in survey[1:]]
    assert {"label::es", "label::en"} <= set(header)
    by_name = {row["name"]: row for row in rows}
    assert by_name["monto_financiacion"]["relevant"] == "${recibio_financiacion} = 'si'"
    assert by_name["monto_financiacion"]["constraint"] == ". > 0"
    assert by_name["canales_venta"]["type"] == "select_multiple canal"
    assert by_name["canales_venta"]["constraint"] == "count-selected(.) <= 3"
    assert {"tiene_rut", "matricula_renovada", "aportes_seguridad_social", "empleados_formales",
            "empleados_informales", "ventas_en_linea", "total_empleados"} <= set(by_name)
    feeds = {row["indicator"]: name for name, row in by_name.items() if row["indicator"]}
    assert feeds == {"credit_obtained": "recibio_financiacion", "sells_online": "ventas_en_linea",
                     "has_rut": "tiene_rut", "matricula_renewed": "matricula_renovada",
                     "social_security": "aportes_seguridad_social", "jobs_formal": "empleados_formales",
                     "jobs_women": "mujeres_trabajando"}
    sources = {row[1] for row in source_rows("choices")[1:] if row[0] == "fuente"}
    assert sources == {"banco", "cooperativa", "fondo_publico", "familiar", "otro"}
    assert source_rows("settings")[0] == ["form_title", "form_id", "version", "default_language"]


def test_a_supervisor_uploads_it_on_the_forms_page_and_previews_it(client):
    login(client, make_user("supervisor"))
    html = client.get("/supervision/forms/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/supervision/forms/", data={
        "csrf_token": token, "file": (io.BytesIO(WORKBOOK.read_bytes()), WORKBOOK.name)})
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "¿Recibió financiación desde la última visita?" in preview
    assert "Seguimiento Mipyme Valledupar" in preview
