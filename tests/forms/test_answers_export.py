"""The visit log exports carry every answer: one column per question over all versions, headed by its name."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from tests.builders import make_user
from tests.conftest import login
from tests.forms.test_answers_display import world  # noqa: F401  (the two-version fixture)


def _csv(client) -> list[list[str]]:
    body = client.get("/supervision/visits.csv").get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_csv_has_a_column_per_question_of_every_version_and_a_row_of_labels(client, world):  # noqa: F811
    login(client, world["supervisor"])
    header, labels, *data = _csv(client)
    form_columns = header[header.index("Recibida") + 1:]
    assert form_columns == [
        "form_version", "recibio_financiacion", "monto", "fuente", "canales/tienda", "canales/feria", "canales/redes",
        "canales/web", "canales/mayorista", "empleados_formales", "empleados_informales", "empleados_total",
        "renovo_matricula", "observacion", "monto_decimal"]  # groups and notes give none
    label_of = dict(zip(header, labels, strict=True))
    assert label_of["Id"] == ""  # the fixed columns' titles already say what they are
    assert label_of["recibio_financiacion"] == "¿Le prestaron dinero?"  # the newest version's label
    assert label_of["canales/feria"] == "¿Dónde vende?: Ferias y mercados"
    assert label_of["monto_decimal"] == "Horas de apertura al día"
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    old, new, plain = rows[world["old"].id], rows[world["new"].id], rows[world["plain"].id]
    assert {k: old[k] for k in form_columns} == {
        "form_version": "1", "recibio_financiacion": "si", "monto": "4500000", "fuente": "banco", "canales/tienda": "1",
        "canales/feria": "0", "canales/redes": "1", "canales/web": "0", "canales/mayorista": "0",
        "empleados_formales": "3", "empleados_informales": "2", "empleados_total": "5",
        "renovo_matricula": "2026-01-02", "observacion": "Vende también en la plaza", "monto_decimal": ""}
    assert new["canales/feria"] == "1" and new["canales/tienda"] == "0" and new["monto_decimal"] == "35.5"
    assert new["monto"] == "" and new["empleados_informales"] == ""  # not relevant / unanswered: empty
    assert new["form_version"] == "2" and label_of["form_version"] == "Versión del formulario"
    assert all(plain[k] == "" for k in form_columns)  # a visit without a form


def test_xlsx_carries_the_answers_as_real_cells_and_a_legend_sheet(client, world):  # noqa: F811
    login(client, world["supervisor"])
    book = load_workbook(io.BytesIO(client.get("/supervision/visits.xlsx").get_data()))
    visits, legend = book.worksheets
    header, *data = [list(r) for r in visits.iter_rows(values_only=True)]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    old = rows[world["old"].id]
    assert old["monto"] == 4500000 and old["canales/redes"] == 1 and old["empleados_total"] == 5
    assert old["renovo_matricula"].date() == date(2026, 1, 2)  # a date cell, not text
    assert rows[world["new"].id]["monto_decimal"] == 35.5
    legend_header, *legend_rows = list(legend.iter_rows(values_only=True))
    assert legend_header == ("Columna", "Pregunta", "Valores")
    names = {row[0]: row[1:] for row in legend_rows}
    assert set(names) == set(header[header.index("Recibida") + 1:])
    assert names["empleados_formales"] == ("Personas con contrato", None)
    assert names["fuente"] == ("Fuente de la financiación",  # what "banco" in a cell means, as the newest version says
                               "banco = Entidad bancaria; cooperativa = Cooperativa; fondo_publico = Fondo público; "
                               "familiar = Familiar; otro = Otro")


def test_without_a_published_form_the_csv_keeps_one_header_row(client, app):
    login(client, make_user("supervisor"))
    rows = _csv(client)
    assert rows[0][-1] == "Recibida" and len(rows) == 1
