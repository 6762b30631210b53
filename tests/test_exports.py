"""CSV and XLSX exports of the visit log and the Mipyme table: the page's filters, the same rows."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login

BOGOTA = ZoneInfo("America/Bogota")
NOW = datetime(2025, 3, 31, 12, 0, tzinfo=BOGOTA)


@pytest.fixture
def world(app, client):
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    ana = make_user("officer", name="Ana Núñez")
    luis = make_user("officer", name="Luis Peña")
    panaderia = make_mipyme(ana, name="Panadería Ñapa", nit="900123456-8", neighborhood="Comuna 5")
    taller = make_mipyme(luis, name="Taller El Cañaguate", neighborhood="Comuna 2")
    make_mipyme(luis, name="Nunca visitada")
    first = make_visit(panaderia, visited_at=datetime(2025, 3, 1, 23, 30, tzinfo=BOGOTA), production_units=100,
                       monthly_sales_cop=2_500_000, employees=3, notes="=HYPERLINK(\"http://x\")",
                       needs="Capacitación en contabilidad", topics=["produccion", "formacion"])
    second = make_visit(panaderia, visited_at=datetime(2025, 3, 20, 9, 0, tzinfo=BOGOTA), production_units=130,
                        monthly_sales_cop=2_000_000, employees=4, follow_up_due=date(2025, 3, 25),
                        follow_up_reason="Revisar inventario", latitude=10.4631, longitude=-73.2532)
    other = make_visit(taller, visited_at=datetime(2025, 3, 10, 8, 0, tzinfo=BOGOTA), review_status="approved")
    login(client, make_user("supervisor"))
    return {"ana": ana, "luis": luis, "panaderia": panaderia, "visits": [first, second, other]}


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark first, for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[list[object]]:
    body = response.get_data()
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None  # every part's CRC checks out
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_visit_log_exports_its_filtered_rows_to_csv(client, world):
    response = client.get(f"/supervision/visits.csv?officer_id={world['ana'].id}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    header, data = rows[0], rows[1:]
    assert header[:5] == ["Id", "Fecha de la visita", "Mipyme", "Id Mipyme", "Funcionario"]
    second, first = world["visits"][1], world["visits"][0]
    assert [r[0] for r in data] == [second.id, first.id]  # newest first, Luis's visit left out
    row = dict(zip(header, data[1], strict=True))
    assert row["Fecha de la visita"] == "2025-03-01 23:30"  # local time, not UTC
    assert row["Mipyme"] == "Panadería Ñapa" and row["Funcionario"] == "Ana Núñez"
    assert row["Temas"] == "Producción, Formación"
    assert row["Ventas mensuales (COP)"] == "2500000"
    assert row["Notas"] == "'=HYPERLINK(\"http://x\")"  # a formula is neutralised, not run
    row = dict(zip(header, data[0], strict=True))
    assert (row["Seguimiento"], row["Latitud"], row["Revisión"]) == ("2025-03-25", "10.4631", "Enviada")


def test_the_visit_log_exports_the_same_rows_to_xlsx(client, world):
    query = "?date_from=2025-03-02&date_to=2025-03-31"
    csv_rows = read_csv(client.get(f"/supervision/visits.csv{query}"))
    xlsx_rows = read_xlsx(client.get(f"/supervision/visits.xlsx{query}"))
    assert len(xlsx_rows) == len(csv_rows) == 3  # header + two visits from 2 March on
    assert xlsx_rows[0] == csv_rows[0]
    header = xlsx_rows[0]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in xlsx_rows[1:]}
    second = by_id[world["visits"][1].id]
    assert second["Fecha de la visita"] == datetime(2025, 3, 20, 9, 0)
    assert second["Seguimiento"] == datetime(2025, 3, 25)  # a real date cell
    assert second["Unidades producidas"] == 130 and second["Mipyme"] == "Panadería Ñapa"
    for csv_row, xlsx_row in zip(csv_rows[1:], xlsx_rows[1:], strict=True):
        assert csv_row[0] == xlsx_row[0]


def test_the_date_range_counts_whole_local_days(client, world):
    # The 23:30 visit on 1 March (04:30 UTC on the 2nd) belongs to 1 March.
    rows = read_csv(client.get("/supervision/visits.csv?date_from=2025-03-01&date_to=2025-03-01"))
    assert [r[0] for r in rows[1:]] == [world["visits"][0].id]


def test_the_mipyme_table_exports_its_filters_and_aggregates(client, world):
    rows = read_csv(client.get("/supervision/mipymes.csv?sort=name"))
    header, data = rows[0], rows[1:]
    assert [r[1] for r in data] == ["Nunca visitada", "Panadería Ñapa", "Taller El Cañaguate"]
    row = dict(zip(header, data[1], strict=True))
    assert row["Visitas"] == "2" and row["Funcionario"] == "Ana Núñez"
    assert row["Unidades producidas"] == "130" and row["Cambio en unidades"] == "30"
    assert row["Cambio en ventas (COP)"] == "-500000"
    assert row["Seguimiento"] == "2025-03-25" and row["Motivo del seguimiento"] == "Revisar inventario"
    assert row["Alertas"] == "Seguimiento vencido"
    flagged = read_csv(client.get("/supervision/mipymes.csv?flag=never_visited"))
    assert [r[1] for r in flagged[1:]] == ["Nunca visitada"]
    xlsx = read_xlsx(client.get(f"/supervision/mipymes.xlsx?officer_id={world['luis'].id}"))
    assert [r[1] for r in xlsx[1:]] == ["Nunca visitada", "Taller El Cañaguate"]
    assert xlsx[0] == header


def test_an_unknown_format_is_404(client, world):
    assert client.get("/supervision/visits.pdf").status_code == 404


@pytest.mark.parametrize("role", ["officer", "owner"])
def test_exports_are_for_the_office_only(client, world, role):
    login(client, world["ana"] if role == "officer" else make_user("owner", mipyme=world["panaderia"]))
    for path in ("/supervision/visits.csv", "/supervision/mipymes.xlsx"):
        assert client.get(path).status_code == 403


def test_exports_are_streamed_and_keep_text_with_control_characters(client, world):
    """One \x01 pasted into a note used to make the XLSX export answer 500; the text now survives
    (control characters XML cannot hold are dropped in the workbook, kept in the CSV) and a formula
    hidden behind one is still escaped."""
    mipyme = world["panaderia"]
    make_visit(mipyme, visited_at=datetime(2025, 3, 30, 9, 0, tzinfo=BOGOTA), notes="Pagó\x01 en efectivo",
               needs="\x01=1+1")
    workbook_response = client.get(f"/supervision/visits.xlsx?mipyme_id={mipyme.id}")
    assert workbook_response.status_code == 200
    assert workbook_response.is_streamed  # not built whole in memory first
    sheet = read_xlsx(workbook_response)
    header, newest = sheet[0], dict(zip(sheet[0], sheet[1], strict=True))
    assert header[0] == "Id" and newest["Notas"] == "Pagó en efectivo" and newest["Necesidades"] == "'=1+1"
    csv_response = client.get(f"/supervision/visits.csv?mipyme_id={mipyme.id}")
    assert csv_response.status_code == 200 and csv_response.is_streamed
    row = dict(zip(*read_csv(csv_response)[:2], strict=True))
    assert row["Notas"] == "Pagó\x01 en efectivo"
