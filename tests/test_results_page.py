"""The results page (/supervision/results) and its downloads, as the director uses them: the headline in
Colombian formats, filters with Spanish messages, the office's roles only, pages of Mipymes by keyset at a
cost that does not grow with the programme, and XLSX/CSV with labels a person reads and numbers as numbers."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from fieldwork.supervision import results_views
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login
from tests.test_pages_bounded import html_of, statements

NOW = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
PAGE = "/supervision/results"


@pytest.fixture
def programme(app):
    """Two businesses with a baseline and a latest visit (sales up 25 % and flat), one with a single visit."""
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    officer = make_user("officer", name="Luisa Fernanda Daza")
    first = make_mipyme(officer, name="Cerámica Atánquez", sector="artesanias")
    second = make_mipyme(officer, name="Panadería La Nevada", sector="alimentos")
    third = make_mipyme(officer, name="Confecciones Mareigua", sector="confecciones")
    for mipyme, before, after in ((first, 2_000_000, 2_500_000), (second, 1_000_000, 1_000_000)):
        make_visit(mipyme, visited_at=NOW - timedelta(days=60), monthly_sales_cop=before, employees=2)
        make_visit(mipyme, visited_at=NOW - timedelta(days=5), monthly_sales_cop=after, employees=3)
    make_visit(third, visited_at=NOW - timedelta(days=5), monthly_sales_cop=700_000, employees=1)
    # The owner disputes a later figure and no supervisor has resolved it: it does not count, and the
    # verification block says so.
    make_visit(third, visited_at=NOW - timedelta(days=2), monthly_sales_cop=9_000_000, employees=1,
               owner_confirmation="disputed", owner_comment="Vendimos mucho menos")
    return {"officer": officer, "mipymes": [first, second, third]}


def supervisor_client(client):
    login(client, make_user("supervisor"))
    return client


def test_the_report_opens_with_the_headline_in_colombian_formats(client, programme):
    html = html_of(supervisor_client(client).get(PAGE))
    assert "Cifras al 5 de marzo de 2026" in html
    headline = html[html.index("Cifras principales"):html.index("Indicadores")]
    assert "$\xa03.000.000" in headline or "$ 3.000.000" in headline  # sales of the two with a change
    assert "3.500.000" in headline
    assert "+16,7\xa0%" in headline  # 3.0 → 3.5 million
    assert "4 →" in headline and "6" in headline  # people working, 2+2 → 3+3
    assert "+50,0\xa0%" in headline
    assert "no miden el impacto atribuible al programa" in html.lower()
    verification = html[html.index("Verificación de los datos"):html.index('id="mipymes-title"')]
    assert re.search(r"<strong>1</strong> disputas del propietario sin resolver", verification)
    for mipyme in programme["mipymes"]:
        assert mipyme.name in html
    assert "(una medición)" in html  # the third business has one visit: no change
    assert re.search(r'<link rel="stylesheet" href="/static/css/results[^"]*\.css"', html)  # its print rules


def test_each_indicator_has_an_accessible_chart_and_a_table_of_its_numbers(client, programme):
    html = html_of(supervisor_client(client).get(PAGE))
    section = html[html.index('id="indicators-title"'):html.index('id="bands-title"')]
    card = section[section.index("Ventas del mes (pesos)"):section.index("</figure>")]
    assert card.count('role="img"') == 2 and card.count("<title") >= 2 and "<desc" in card
    assert "Mejoraron: 1" in card and "Sin cambio: 1" in card
    assert "<table" in card and "+25,0" not in card  # the total changes 3.0 → 3.5 million, not one business's
    assert "+16,7" in card
    assert "Mujeres que trabajan" in section[section.index('class="muted unmeasured"'):]  # nothing feeds it


WRONG_FILTERS = [
    ("as_of=2026-13-45", "as_of", "Fecha no válida"),
    ("as_of=2030-01-01", "as_of", "entre el 2000-01-01 y hoy"),
    ("sector=panaderia", "sector", "Elija una opción de la lista."),
    ("officer_id=99999999999", "officer_id", "Elija una opción de la lista."),
    ("status=%3Cscript%3E", "status", "Elija una opción de la lista."),
    ("enrolled_from=2024-06-01&enrolled_to=2024-01-01", "enrolled_to", "no puede ser anterior"),
]


def test_a_wrong_filter_gets_a_spanish_message_beside_its_field(client, programme):
    supervisor_client(client)
    for query, field, message in WRONG_FILTERS:
        html = html_of(client.get(f"{PAGE}?{query}"))
        error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
        assert error and message in error.group(1), query
        assert "Cerámica Atánquez" in html  # the wrong filter is left out: the report still shows everyone


def test_filters_narrow_the_report_and_are_named_in_its_heading(client, programme):
    supervisor_client(client)
    html = html_of(client.get(f"{PAGE}?sector=artesanias"))
    assert "Cerámica Atánquez" in html and "Panadería La Nevada" not in html
    assert "Sector: Artesanías" in html  # a printout has no form: the heading says what it covers
    officer = programme["officer"]
    html = html_of(client.get(f"{PAGE}?officer_id={officer.id}&enrolled_to=2024-12-30"))  # joined 31 Dec 2024
    assert "Ninguna Mipyme coincide con los filtros." in html
    assert "Luisa Fernanda Daza" in html[:html.index("<form")]
    html = html_of(client.get(f"{PAGE}?as_of=2026-02-01"))
    assert "Cifras al 1 de febrero de 2026" in html


def test_the_mipyme_table_walks_by_keyset_pages(client, programme, monkeypatch):
    monkeypatch.setattr(results_views, "PER_PAGE", 2)
    supervisor_client(client)
    html = html_of(client.get(PAGE))
    first, second, third = programme["mipymes"]
    table = html[html.index('id="mipymes-title"'):]
    assert first.name in table and second.name in table and third.name not in table
    assert "Mipymes 1 a 2 de 3" in table
    following = re.search(r'<a href="([^"]+)" rel="next">', table).group(1).replace("&amp;", "&")
    assert f"after={second.id}" in following
    table = html_of(client.get(following))
    table = table[table.index('id="mipymes-title"'):]
    assert third.name in table and first.name not in table and 'rel="next"' not in table
    assert "Mipymes 3 a 3 de 3" in table
    assert html_of(client.get(f"{PAGE}?after=abc&page=-4"))  # an edited link shows the first page


def test_the_page_costs_the_same_statements_for_3_and_15_businesses(app, client, programme):
    supervisor_client(client)
    few = statements(client, PAGE)
    officer = programme["officer"]
    for n in range(12):
        mipyme = make_mipyme(officer, name=f"Negocio {n}")
        make_visit(mipyme, visited_at=NOW - timedelta(days=10), monthly_sales_cop=500_000 + n)
    assert statements(client, PAGE) == few


def test_only_the_office_sees_the_results(make_client, programme):
    expected = {"officer": 403, "owner": 403, "admin": 200, "supervisor": 200}
    for path in (PAGE, f"{PAGE}.xlsx", f"{PAGE}.csv"):
        anonymous = make_client().get(path)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for role, status in expected.items():
        client = make_client()
        login(client, make_user(role, mipyme=programme["mipymes"][0] if role == "owner" else None))
        for path in (PAGE, f"{PAGE}.xlsx", f"{PAGE}.csv"):
            assert client.get(path).status_code == status, (role, path)


def test_another_format_is_not_found(client, programme):
    assert supervisor_client(client).get(f"{PAGE}.pdf").status_code == 404


def test_the_workbook_has_labels_a_person_reads_and_numbers_as_numbers(client, programme):
    response = supervisor_client(client).get(f"{PAGE}.xlsx?sector=artesanias")
    assert response.status_code == 200
    assert 'filename="resultados-' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["Resumen", "Indicadores", "Mipymes"]
    summary = {row[0]: row[1] if len(row) > 1 else None
               for row in book["Resumen"].iter_rows(min_row=2, values_only=True)}
    assert summary["Negocios inscritos"] == 1 and "impacto atribuible" in summary["Nota"]
    indicators = list(book["Indicadores"].iter_rows(values_only=True))
    sales = next(row for row in indicators if row[0] == "Ventas del mes (pesos)")
    header = indicators[0]
    assert sales[header.index("Total en la línea base")] == 2_000_000
    assert sales[header.index("Total en la última medición")] == 2_500_000
    assert sales[header.index("Cambio del total (%)")] == 25.0
    assert sales[header.index("Mejoraron")] == 1
    mipymes = list(book["Mipymes"].iter_rows(values_only=True))
    header, rows = mipymes[0], mipymes[1:]
    assert [row[header.index("Nombre")] for row in rows] == ["Cerámica Atánquez"]
    row = rows[0]
    assert row[header.index("Sector")] == "Artesanías" and row[header.index("Estado")] == "Activa"
    assert row[header.index("Ventas del mes (pesos): línea base")] == 2_000_000
    assert row[header.index("Ventas del mes (pesos): cambio")] == 500_000
    assert isinstance(row[header.index("Ventas del mes (pesos): fecha de la última")], datetime)
    assert row[header.index("Tamaño (ahora)")] == "Sin dato"  # no CIIU: its band is unknown


def test_the_csv_files_follow_the_visit_log_conventions(client, programme):
    supervisor_client(client)
    body = client.get(f"{PAGE}.csv").get_data(as_text=True)
    assert body.startswith("\ufeff")  # Excel reads "Cerámica" right
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    by_name = {row[header.index("Nombre")]: row for row in rows[1:]}
    assert set(by_name) == {m.name for m in programme["mipymes"]}
    bakery = by_name["Panadería La Nevada"]
    assert bakery[header.index("Sector")] == "Alimentos"
    assert bakery[header.index("Ventas del mes (pesos): última")] == "1000000"  # a plain number, as visits.csv
    assert bakery[header.index("Ventas del mes (pesos): cambio")] == "0"
    assert by_name["Confecciones Mareigua"][header.index("Ventas del mes (pesos): cambio")] == ""
    body = client.get(f"{PAGE}.csv?table=indicators").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Indicador" and [row[0] for row in rows[1:4]] == [
        "Ventas del mes (pesos)", "Unidades producidas en el mes", "Personas que trabajan (con el propietario)"]
    assert rows[1][rows[0].index("Total en la línea base")] == "3000000"


def test_the_report_charts_are_accessible_images_that_fit_their_values():
    import xml.etree.ElementTree as ET

    from fieldwork.web import charts

    svg = "{http://www.w3.org/2000/svg}"
    pair = charts.paired_bars([("Línea base", 390_450_000), ("Última", None)], title="Ventas <total>", desc="d",
                              fmt=lambda v: f"$ {v:,}")
    root = ET.fromstring(str(pair))  # noqa: S314 (our own output): well-formed, its text escaped
    assert root.get("role") == "img" and root.find(f"{svg}title").text == "Ventas <total>"
    texts = [t.text for t in root.iter(f"{svg}text")]
    assert "$ 390,450,000" in texts and "—" in texts  # a missing value says so, drawing no bar
    assert len(list(root.iter(f"{svg}rect"))) == 1
    width = float(root.get("viewBox").split()[2])
    bar = next(root.iter(f"{svg}rect"))
    assert float(bar.get("x")) + float(bar.get("width")) + 6 + 12 * 8.4 <= width  # its value fits after it
    assert charts.paired_bars([("a", None)], title="t", desc="d") is None
    share = charts.share_bar([("Mejoraron", 3), ("Sin cambio", 0), ("Empeoraron", 1)], title="t", desc="d")
    root = ET.fromstring(str(share))  # noqa: S314
    widths = [float(r.get("width")) for r in root.iter(f"{svg}rect") if r.find(f"{svg}title") is not None]
    assert len(widths) == 2  # a part of 0 draws nothing
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.2)  # 3 of 4 and 1 of 4 of the bar
    assert sum(widths) == pytest.approx(float(root.get("viewBox").split()[2]), abs=0.2)
    assert [t.text for t in root.iter(f"{svg}text")] == ["Mejoraron: 3", "Sin cambio: 0", "Empeoraron: 1"]
    assert charts.share_bar([("Mejoraron", 0)], title="t", desc="d") is None


def test_odd_values_in_every_parameter_never_break_the_page_or_the_downloads(client, programme):
    supervisor_client(client)
    names = ("as_of", "sector", "macro_sector", "neighborhood", "officer_id", "enrolled_from", "enrolled_to",
             "status", "after", "page", "table")
    for value in ("99999999999999999999999", "²", "\r\nX: 1", "%", "-1", "0001-01-01"):
        for path in (PAGE, f"{PAGE}.csv", f"{PAGE}.xlsx"):
            response = client.get(path, query_string=dict.fromkeys(names, value))
            assert response.status_code == 200, (path, value)
            response.close()
