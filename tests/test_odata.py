"""The OData feed for Excel and Power BI, driven by a real OData 4.0 client (python-odata) against the app
served on a free port, and checked request by request with the test client."""
from __future__ import annotations

import base64
import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import requests
import xmlschema
from odata import ODataService
from sqlalchemy import event
from werkzeug.serving import make_server

from fieldwork.auth import tokens
from fieldwork.extensions import db
from fieldwork.forms import services as forms
from fieldwork.results import service
from fieldwork.results.service import ResultFilters
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login
from tests.forms.fixtures import programme_form

EDMX = "{http://docs.oasis-open.org/odata/ns/edmx}"
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
SIMPLE_IDENTIFIER = re.compile(r"^[_A-Za-z]\w{0,127}$")
PRIMITIVES = {"Edm.String", "Edm.Int32", "Edm.Int64", "Edm.Double", "Edm.Decimal", "Edm.Boolean", "Edm.Date",
              "Edm.DateTimeOffset"}


def basic(username: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


@pytest.fixture
def programme(app):
    """Seven Mipymes (pages of three), a published form and visits that answer it."""
    app.config["ODATA_PAGE_SIZE"] = 3
    supervisor = make_user("supervisor", username="analista")
    officer = make_user("officer")
    mipymes = [make_mipyme(officer, name=f"Taller {n}", sector="alimentos" if n % 2 else "artesanias",
                           enrolled_on=date(2025, 1, n)) for n in range(1, 8)]
    version = forms.upload_form(supervisor, programme_form(), "seguimiento.xlsx")
    forms.publish_form(supervisor, version)
    db.session.commit()
    answers = {"recibio_financiacion": "si", "monto": 2.5, "fuente": "banco", "canales": ["tienda", "redes"],
               "empleados_formales": 3, "renovo_matricula": "2025-02-01", "observacion": "Bien"}
    visits = [make_visit(m, officer, visited_at=datetime(2025, 3, n + 1, 15, tzinfo=UTC), monthly_sales_cop=4_500_000,
                         form_version_id=version.id, answers=answers) for n, m in enumerate(mipymes[:4])]
    # An answer of another type than the current question's (an older version's) is left out, not sent wrong.
    make_visit(mipymes[4], officer, form_version_id=version.id, answers={"empleados_formales": "tres"})
    _token, secret = tokens.create_token(supervisor, "Power BI")
    db.session.commit()
    return {"supervisor": supervisor, "officer": officer, "mipymes": mipymes, "visits": visits,
            "auth": basic("analista", secret), "secret": secret}


@pytest.fixture
def served(app, programme) -> Iterator[str]:
    """The app on a free local port, on the test's database, for a client that speaks HTTP."""
    server = make_server("127.0.0.1", 0, app)
    root = f"http://127.0.0.1:{server.server_port}"
    app.config["FIELDWORK_BASE_URL"] = root
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root + "/odata/v1/"
    server.shutdown()
    thread.join(5)


def test_a_real_odata_client_reads_the_model_and_every_page(served, programme):
    service = ODataService(served, auth=requests.auth.HTTPBasicAuth("analista", programme["secret"]),
                           reflect_entities=True, quiet_progress=True)
    assert {"Mipymes", "Visits", "MipymeResults"} <= set(service.entities)
    mipyme = service.entities["Mipymes"]
    names = [m.name for m in service.query(mipyme).all()]  # three pages, through @odata.nextLink
    assert sorted(names) == sorted(f"Taller {n}" for n in range(1, 8))
    food = service.query(mipyme).filter(mipyme.sector == "alimentos").all()
    assert sorted(m.name for m in food) == ["Taller 1", "Taller 3", "Taller 5", "Taller 7"]
    assert service.query(mipyme).filter(mipyme.sector == "alimentos").count() == 4
    selected = service.query(mipyme).select(mipyme.id, mipyme.name).limit(2).all()
    assert [set(row) for row in selected] == [{"id", "name"}] * 2
    visit = service.entities["Visits"]
    rows = service.query(visit).filter(visit.monthly_sales_cop == 4_500_000).all()
    assert len(rows) == 4 and {row.empleados_formales for row in rows} == {3}


def test_service_document_and_metadata_describe_every_set(client, programme):
    document = client.get("/odata/v1/", headers=programme["auth"])
    assert document.headers["OData-Version"] == "4.0"
    body = document.get_json()
    assert body["@odata.context"].endswith("/odata/v1/$metadata")
    assert [s["name"] for s in body["value"]] == ["Mipymes", "Visits", "MipymeResults"]
    metadata = client.get("/odata/v1/$metadata", headers=programme["auth"])
    assert metadata.mimetype == "application/xml" and metadata.headers["OData-Version"] == "4.0"
    root = ET.fromstring(metadata.data)  # noqa: S314 (our own answer, in a test)
    assert root.tag == f"{EDMX}Edmx" and root.get("Version") == "4.0"
    schema = root.find(f"{EDMX}DataServices/{EDM}Schema")
    types = {t.get("Name"): t for t in schema.findall(f"{EDM}EntityType")}
    for entity_type in types.values():
        properties = {p.get("Name"): p.get("Type") for p in entity_type.findall(f"{EDM}Property")}
        assert all(SIMPLE_IDENTIFIER.match(name) for name in properties)
        assert set(properties.values()) <= PRIMITIVES
        assert entity_type.find(f"{EDM}Key/{EDM}PropertyRef").get("Name") in properties
    container = schema.find(f"{EDM}EntityContainer")
    assert {s.get("EntityType") for s in container.findall(f"{EDM}EntitySet")} == {
        f"{schema.get('Namespace')}.{name}" for name in types}
    visit = {p.get("Name"): p.get("Type") for p in types["Visit"].findall(f"{EDM}Property")}
    # The current form's questions as typed columns; groups and notes give none.
    assert visit["monto"] == "Edm.Double" and visit["empleados_formales"] == "Edm.Int64"
    assert visit["renovo_matricula"] == "Edm.Date" and visit["canales"] == "Edm.String"
    assert "financiacion" not in visit and "resumen" not in visit


def test_visits_carry_their_answers_as_columns(client, programme):
    rows = _all(client, "/odata/v1/Visits", programme["auth"])
    answered = [r for r in rows if r["id"] in {v.id for v in programme["visits"]}]
    assert len(answered) == 4
    assert answered[0]["canales"] == "tienda redes" and answered[0]["monto"] == 2.5
    assert answered[0]["renovo_matricula"] == "2025-02-01" and answered[0]["visited_at"].endswith("Z")
    other = next(r for r in rows if r["id"] not in {v.id for v in programme["visits"]})
    assert other["empleados_formales"] is None


def _all(client, url: str, auth: dict[str, str]) -> list[dict]:
    rows: list[dict] = []
    while url:
        body = client.get(url, headers=auth).get_json()
        rows += body["value"]
        url = body.get("@odata.nextLink")
    return rows


def test_paging_count_top_skip_and_order(client, programme):
    auth = programme["auth"]
    first = client.get("/odata/v1/Mipymes?$count=true&$select=id,name", headers=auth).get_json()
    assert first["@odata.count"] == 7 and len(first["value"]) == 3
    assert first["@odata.context"].endswith("$metadata#Mipymes(id,name)")
    assert "$skiptoken=" in first["@odata.nextLink"] and "$select=id,name" in first["@odata.nextLink"]
    ids = [row["id"] for row in _all(client, "/odata/v1/Mipymes?$select=id", auth)]
    assert ids == sorted(m.id for m in programme["mipymes"])
    top = _all(client, "/odata/v1/Mipymes?$top=5&$skip=1&$select=id", auth)
    assert [r["id"] for r in top] == ids[1:6]
    ordered = _all(client, "/odata/v1/Mipymes?$orderby=enrolled_on desc&$select=name", auth)
    assert [r["name"] for r in ordered] == [f"Taller {n}" for n in range(7, 0, -1)]
    assert client.get("/odata/v1/Mipymes/$count?$filter=sector eq 'artesanias'", headers=auth).data == b"3"


FILTERS = [
    ("sector eq 'alimentos' and enrolled_on ge 2025-01-04", [5, 7]),
    ("(name eq 'Taller 1' or name eq 'Taller 2') and active eq true", [1, 2]),
    ("nit eq null and sector ne 'alimentos'", [2, 4, 6]),
    ("2025-01-06 le enrolled_on", [6, 7]),
    ("visit_count gt 0", [1, 2, 3, 4, 5]),
    ("last_visit_at lt 2025-03-03T00:00:00Z", [1, 2]),
    ("(" * 300 + "name eq 'Taller 1'" + ")" * 300, [1]),  # parentheses alone do not nest the tree
    (" or ".join(f"name eq 'Taller {n}'" for n in (1, 3)) + " or name eq 'x'" * 60, [1, 3]),
]


def test_filter(client, programme):
    for expression, names in FILTERS:
        rows = _all(client, f"/odata/v1/Mipymes?$filter={expression}&$select=name", programme["auth"])
        assert sorted(r["name"] for r in rows) == [f"Taller {n}" for n in names], expression


REFUSALS = [
    ("$filter=contains(name,'a')", 501), ("$filter=not (id eq 1)", 501), ("$filter=id add 1 eq 2", 501),
    ("$filter=monto gt 1", 400), ("$filter=id eq 'uno'", 400), ("$filter=id eq", 400),
    ("$filter=" + "(id eq 1 and (id eq 2 or " * 15 + "id eq 3" + "))" * 15, 400),
    ("$filter=name eq '" + "x" * 3000 + "'", 400), ("$filter=id eq 99999999999999999999", 400),
    ("$expand=visits", 501), ("$search=taller", 501), ("$select=nope", 400), ("$orderby=id sideways", 400),
    ("$top=-1", 400), ("$skip=x", 400), ("$count=maybe", 400), ("$format=atom", 406), ("$skiptoken=abc", 400),
]


def test_what_the_feed_does_not_do_is_an_odata_error(client, programme):
    for query, status in REFUSALS:
        response = client.get(f"/odata/v1/Mipymes?{query}", headers=programme["auth"])
        assert response.status_code == status, query
        assert set(response.get_json()["error"]) == {"code", "message"}
        assert response.headers["OData-Version"] == "4.0"


def test_answers_are_not_filtered_and_unknown_sets_are_404(client, programme):
    refused = client.get("/odata/v1/Visits?$filter=empleados_formales gt 1", headers=programme["auth"])
    assert refused.status_code == 501
    assert client.get("/odata/v1/Nothing", headers=programme["auth"]).status_code == 404
    assert client.get("/odata/v1/Mipymes(1)", headers=programme["auth"]).status_code == 501


def test_credentials(client, make_client, programme):
    for headers in ({}, basic("analista", "wrong-" + programme["secret"]), basic("nobody", programme["secret"]),
                    {"Authorization": "Bearer " + programme["secret"]}):
        response = make_client().get("/odata/v1/Mipymes", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith('Basic realm="Fieldwork"')
        assert "error" in response.get_json()
    officer = make_client()
    login(officer, programme["officer"])
    assert officer.get("/odata/v1/Mipymes").status_code == 403
    login(client, programme["supervisor"])
    assert client.get("/odata/v1/Mipymes").status_code == 200  # a person looking from the browser


def test_a_page_costs_the_same_statements_whatever_its_size(app, client, programme):
    counted: list[str] = []

    def count(*args: object) -> None:
        counted.append(str(args[2]))

    client.get("/odata/v1/", headers=programme["auth"])  # the token's first use is noted once
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.get("/odata/v1/Visits?$top=1", headers=programme["auth"])
        small = len(counted)
        counted.clear()
        app.config["ODATA_PAGE_SIZE"] = 50
        assert len(client.get("/odata/v1/Visits", headers=programme["auth"]).get_json()["value"]) == 5
        assert len(counted) == small
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_mipyme_results_are_the_results_services_rows(client, programme):
    """One row per Mipyme of the filters, with each indicator's baseline, latest and change, as the results
    page and API compute them (fieldwork.results.service.mipyme_rows), a page at a time."""
    first = programme["mipymes"][0]
    make_visit(first, programme["officer"], visited_at=datetime(2025, 5, 2, 15, tzinfo=UTC),
               monthly_sales_cop=5_000_000)
    url = "/odata/v1/MipymeResults?$filter=sector eq 'alimentos' and enrolled_on ge 2025-01-01&as_of=2025-06-30"
    got = _all(client, url, programme["auth"])
    filters = ResultFilters(as_of=date(2025, 6, 30), sector="alimentos", enrolled_from=date(2025, 1, 1))
    expected = list(service.mipyme_rows(filters))
    assert [row["id"] for row in got] == [row["id"] for row in expected] == [
        m.id for m in programme["mipymes"] if m.sector == "alimentos"]
    taller = got[0]
    assert (taller["sales_month_cop_baseline"], taller["sales_month_cop_latest"]) == (4_500_000, 5_000_000)
    assert taller["sales_month_cop_change"] == 500_000 and taller["sales_month_cop_latest_on"] == "2025-05-02"
    single = next(row for row in got if row["id"] == programme["mipymes"][2].id)
    assert single["sales_month_cop_baseline"] == 4_500_000 and single["sales_month_cop_change"] is None
    assert client.get("/odata/v1/MipymeResults?$filter=name eq 'x'", headers=programme["auth"]).status_code == 501

def test_metadata_is_valid_csdl_by_the_oasis_schemas(client, programme):
    """$metadata validates against the OASIS TC's EDMX and EDM XML schemas (tests/data/odata: version 4.01,
    which also admits 4.0 documents), as Excel and Power BI read it."""
    schema = xmlschema.XMLSchema(str(Path(__file__).parent / "data" / "odata" / "edmx.xsd"))
    metadata = client.get("/odata/v1/$metadata", headers=programme["auth"]).data
    errors = [str(error.reason) for error in schema.iter_errors(metadata.decode("utf-8"))]
    assert errors == []
