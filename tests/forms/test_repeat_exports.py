"""Exports of a contract-v3 form: the version beside each visit, a sheet (or CSV) per repeat joined by the
visit id, nested repeats with their parent's index, and the new types in columns a spreadsheet can use."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login
from tests.forms.stored_v3 import PHOTO_STORED, production_answers, production_definition, store_version


@pytest.fixture
def world(app):
    app.config["FIELDWORK_BASE_URL"] = "https://fieldwork.example"
    supervisor = make_user("supervisor")
    version = store_version(production_definition(), supervisor)
    officer = make_user("officer")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    full = make_visit(mipyme, officer, visited_at=datetime(2026, 2, 10, 14, tzinfo=UTC), form_version_id=version.id,
                      answers=production_answers())
    one = make_visit(mipyme, officer, visited_at=datetime(2026, 2, 11, 14, tzinfo=UTC), form_version_id=version.id,
                     answers={"nombre": "Otro", "productos": [{"producto": "Sandalias", "unidades": 3}]})
    plain = make_visit(mipyme, officer, visited_at=datetime(2026, 2, 12, 14, tzinfo=UTC))
    return {"supervisor": supervisor, "full": full, "one": one, "plain": plain, "mipyme": mipyme}


def _csv(client, query: str = "") -> list[list[str]]:
    response = client.get("/supervision/visits.csv" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def test_the_visit_csv_has_the_version_and_the_new_types_as_usable_columns(client, world):
    login(client, world["supervisor"])
    header, labels, *data = _csv(client)
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    label_of = dict(zip(header, labels, strict=True))
    full = rows[world["full"].id]
    assert full["form_version"] == "3" and rows[world["plain"].id]["form_version"] == ""
    assert label_of["form_version"] == "Versión del formulario"
    assert (full["lugar/latitude"], full["lugar/longitude"], full["lugar/altitude"], full["lugar/accuracy"]) == (
        "10.4631", "-73.2532", "168.0", "4.6")
    assert label_of["lugar/accuracy"] == "Ubicación del taller: precisión (m)"
    assert full["fachada"] == PHOTO_STORED
    assert full["fachada/url"] == f"https://fieldwork.example/api/v1/photos/{PHOTO_STORED}"
    assert full["prioridades"] == "ventas credito formacion"  # the order the officer ranked
    assert full["abre"] == "07:30:00" and full["ultima_entrega"] == "2026-02-09T20:15:00Z"  # as text
    assert full["recorrido"] == "10.1 -73.2 0 0;10.2 -73.3 5 3"
    assert full["start"] == "2026-02-10T09:00:00-05:00" and full["satisfaccion"] == "4" and full["acepta"] == "OK"
    assert not any(name.startswith(("productos", "producto", "tallas", "unidades")) for name in header)


def test_a_repeat_has_its_own_csv_joined_by_the_visit_id(client, world):
    login(client, world["supervisor"])
    header, labels, *data = _csv(client, "?repeat=productos")
    assert header[:2] == ["visit_id", "index"]
    assert header[2:] == ["producto", "tipo", "unidades", "precio", "ventas", "foto_producto", "foto_producto/url"]
    label_of = dict(zip(header, labels, strict=True))
    assert label_of["unidades"] == "Unidades al mes" and label_of["ventas"] == "Ventas del producto (calculado)"
    rows = [dict(zip(header, row, strict=True)) for row in data]
    full, one = world["full"].id, world["one"].id
    assert [(r["visit_id"], r["index"], r["producto"]) for r in rows] == [
        (one, "1", "Sandalias"), (full, "1", "Abarcas"), (full, "2", "Mochilas")]  # the log's order, newest first
    assert rows[1]["tipo"] == "calzado" and rows[1]["ventas"] == "4200060" and rows[1]["precio"] == "35000.5"


def test_a_nested_repeat_carries_its_parents_index(client, world):
    login(client, world["supervisor"])
    header, _labels, *data = _csv(client, "?repeat=tallas")
    assert header == ["visit_id", "parent_index", "index", "talla", "pares"]
    assert data == [[world["full"].id, "1", "1", "38", "40"], [world["full"].id, "1", "2", "40", "80"]]


def test_a_repeat_csv_keeps_the_pages_filters(client, world):
    login(client, world["supervisor"])
    _header, _labels, *data = _csv(client, "?repeat=productos&date_from=2026-02-11&date_to=2026-02-11")
    assert [row[0] for row in data] == [world["one"].id]


@pytest.mark.parametrize("name", ["nada", "", "nombre", "productos]'", "x" * 5000])
def test_an_unknown_repeat_is_refused_in_spanish(client, world, name):
    login(client, world["supervisor"])
    response = client.get("/supervision/visits.csv", query_string={"repeat": name})
    assert response.status_code == 400
    assert "no tiene la repetición" in response.get_data(as_text=True)


def test_the_workbook_has_a_sheet_per_repeat_and_one_legend(client, world):
    login(client, world["supervisor"])
    response = client.get("/supervision/visits.xlsx")
    assert response.status_code == 200 and response.is_streamed
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["Visitas", "productos", "tallas", "Preguntas"]
    visits = [list(r) for r in book["Visitas"].iter_rows(values_only=True)]
    full = dict(zip(visits[0], next(r for r in visits if r[0] == world["full"].id), strict=True))
    assert full["form_version"] == "3" and full["lugar/latitude"] == 10.4631 and full["satisfaccion"] == 4
    products = [list(r) for r in book["productos"].iter_rows(values_only=True)]
    assert products[0][:4] == ["visit_id", "index", "producto", "tipo"]
    assert products[2][:3] == [world["full"].id, 1, "Abarcas"] and products[2][4] == 120  # numbers as numbers
    assert book["productos"].freeze_panes == "A2"
    sizes = [list(r) for r in book["tallas"].iter_rows(values_only=True)]
    assert sizes[1] == [world["full"].id, 1, 1, "38", 40]
    legend = [list(r) for r in book["Preguntas"].iter_rows(values_only=True)]
    assert legend[0] == ["Columna", "Pregunta", "Valores", "Hoja"]
    by_sheet = {(row[3], row[0]): row[1:3] for row in legend[1:]}
    assert by_sheet[("productos", "ventas")] == ["Ventas del producto (calculado)",
                                                 "Calculado: ${unidades} * ${precio}"]
    assert by_sheet[("productos", "tipo")][1] == "calzado = Calzado; bolso = Bolsos; otro = Otro"
    assert by_sheet[("Visitas", "prioridades")][1] == "credito = Crédito; ventas = Ventas; formacion = Formación"


def test_sheet_names_follow_excels_rules(client, app):
    supervisor = make_user("supervisor")
    definition = {"version": "1", "questions": [
        {"type": "begin_repeat", "name": "productos_fabricados_en_el_taller_durante_el_mes", "label": {"es": "P"}},
        {"type": "integer", "name": "a", "label": {"es": "A"}},
        {"type": "end_repeat", "name": "productos_fabricados_en_el_taller_durante_el_mes"},
        {"type": "begin_repeat", "name": "productos_fabricados_en_el_taller_durante_el_año", "label": {"es": "P"}},
        {"type": "integer", "name": "b", "label": {"es": "B"}},
        {"type": "end_repeat", "name": "productos_fabricados_en_el_taller_durante_el_año"},
        {"type": "begin_repeat", "name": "visitas", "label": {"es": "V"}},
        {"type": "integer", "name": "c", "label": {"es": "C"}},
        {"type": "end_repeat", "name": "visitas"},
        {"type": "begin_repeat", "name": "History", "label": {"es": "H"}},
        {"type": "integer", "name": "d", "label": {"es": "D"}},
        {"type": "end_repeat", "name": "History"},
    ]}
    store_version(definition, supervisor)
    login(client, supervisor)
    names = load_workbook(io.BytesIO(client.get("/supervision/visits.xlsx").get_data())).sheetnames
    assert names == ["Visitas", "productos_fabricados_en_el_tall", "productos_fabricados_en_el_ (2)", "visitas (2)",
                     "History (2)", "Preguntas"]
    assert all(len(name) <= 31 for name in names)


def test_dates_in_repeats_and_today_are_date_cells(client, app):
    supervisor = make_user("supervisor")
    definition = {"version": "1", "questions": [
        {"type": "today", "name": "today"},
        {"type": "begin_repeat", "name": "pagos", "label": {"es": "Pagos"}},
        {"type": "date", "name": "dia", "label": {"es": "Día"}},
        {"type": "end_repeat", "name": "pagos"}]}
    version = store_version(definition, supervisor)
    mipyme = make_mipyme(make_user("officer"))
    make_visit(mipyme, form_version_id=version.id, answers={"today": "2026-02-10", "pagos": [{"dia": "2026-01-05"}]})
    login(client, supervisor)
    book = load_workbook(io.BytesIO(client.get("/supervision/visits.xlsx").get_data()))
    visits = [list(r) for r in book["Visitas"].iter_rows(values_only=True)]
    assert dict(zip(*visits, strict=True))["today"].date() == date(2026, 2, 10)
    assert [list(r) for r in book["pagos"].iter_rows(values_only=True)][1][2].date() == date(2026, 1, 5)


def test_the_workbooks_cost_grows_with_the_repeats_not_the_visits(client, world):
    """Each repeat's sheet is one more streamed pass over the filtered visits: as many statements for three
    visits as for thirteen (the session's reload of the logged-in user aside)."""
    from tests.test_query_count import counting_statements

    login(client, world["supervisor"])

    def statements() -> int:
        with counting_statements() as sent:
            assert client.get("/supervision/visits.xlsx").get_data()
        return len([statement for statement in sent if not statement.startswith("SELECT users.")])

    statements()  # what is loaded once per process
    few = statements()
    for day in range(10):
        make_visit(world["mipyme"], visited_at=datetime(2026, 1, 1 + day, 14, tzinfo=UTC),
                   form_version_id=world["full"].form_version_id, answers=production_answers())
    assert statements() == few
