"""OData of a contract-v3 form: each repeat its own entity set (`Visits_<repeat>`, a row per instance with the
visit's id and the index), the new types as typed columns, and $metadata still valid by the OASIS schemas."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from fieldwork.auth import tokens
from fieldwork.extensions import db
from tests.builders import make_mipyme, make_user, make_visit
from tests.forms.stored_v3 import PHOTO_STORED, production_answers, production_definition, store_version
from tests.test_odata import EDM, EDMX, _all, basic


@pytest.fixture
def feed(app):
    app.config["ODATA_PAGE_SIZE"] = 2
    supervisor = make_user("supervisor", username="analista")
    version = store_version(production_definition(), supervisor)
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    full = make_visit(mipyme, officer, visited_at=datetime(2026, 2, 10, 14, tzinfo=UTC), form_version_id=version.id,
                      answers=production_answers())
    small = make_visit(mipyme, officer, visited_at=datetime(2026, 2, 11, 14, tzinfo=UTC), form_version_id=version.id,
                       answers={"productos": [{"producto": "Sandalias", "unidades": 3}]})
    # Shapes no version stores today (older code, a hand edit) give no rows, never an error.
    for odd in ({"productos": "x"}, {"productos": [1, "x", None, [2]]}, {"productos": {"a": 1}}):
        make_visit(mipyme, officer, form_version_id=version.id, answers=odd)
    mixed = make_visit(mipyme, officer, visited_at=datetime(2026, 2, 1, 14, tzinfo=UTC), form_version_id=version.id,
                       answers={"productos": ["x", {"tallas": "x"}, {"tallas": [3, {"talla": "S"}]}]})
    make_visit(mipyme, officer)  # no form at all
    _token, secret = tokens.create_token(supervisor, "Power BI")
    db.session.commit()
    return {"full": full, "small": small, "mixed": mixed, "auth": basic("analista", secret)}


def test_each_repeat_is_a_set_listed_and_described(client, feed):
    names = [s["name"] for s in client.get("/odata/v1/", headers=feed["auth"]).get_json()["value"]]
    assert names == ["Mipymes", "Visits", "MipymeResults", "Visits_productos", "Visits_tallas"]
    metadata = client.get("/odata/v1/$metadata", headers=feed["auth"]).data
    schema = xmlschema.XMLSchema(str(Path(__file__).parent / "data" / "odata" / "edmx.xsd"))
    assert [str(e.reason) for e in schema.iter_errors(metadata.decode("utf-8"))] == []
    root = ET.fromstring(metadata)  # noqa: S314 (our own answer, in a test)
    types = {t.get("Name"): {p.get("Name"): p.get("Type") for p in t.findall(f"{EDM}Property")}
             for t in root.find(f"{EDMX}DataServices/{EDM}Schema").findall(f"{EDM}EntityType")}
    visit = types["Visit"]
    assert visit["lugar_latitude"] == visit["lugar_accuracy"] == "Edm.Double" and "lugar" not in visit
    assert visit["ultima_entrega"] == "Edm.DateTimeOffset" and visit["satisfaccion"] == "Edm.Double"
    assert visit["fachada"] == visit["prioridades"] == visit["abre"] == "Edm.String"
    assert "producto" not in visit and "talla" not in visit  # a repeat's questions are in its own set
    assert list(types["Visit_productos"])[:3] == ["id", "visit_id", "index"]
    assert types["Visit_productos"]["unidades"] == "Edm.Int64" and "talla" not in types["Visit_productos"]
    assert list(types["Visit_tallas"]) == ["id", "visit_id", "parent_index", "index", "talla", "pares"]


def test_visits_carry_the_new_types(client, feed):
    rows = _all(client, "/odata/v1/Visits", feed["auth"])
    full = next(r for r in rows if r["id"] == feed["full"].id)
    assert (full["lugar_latitude"], full["lugar_longitude"], full["lugar_altitude"], full["lugar_accuracy"]) == (
        10.4631, -73.2532, 168.0, 4.6)
    assert full["ultima_entrega"] == "2026-02-09T20:15:00Z" and full["abre"] == "07:30:00"
    assert full["fachada"] == PHOTO_STORED and full["prioridades"] == "ventas credito formacion"
    assert full["recorrido"] == "10.1 -73.2 0 0;10.2 -73.3 5 3" and full["satisfaccion"] == 4


def test_a_repeats_instances_are_rows_joined_by_the_visit_id(client, feed):
    full, small, mixed = feed["full"].id, feed["small"].id, feed["mixed"].id
    rows = _all(client, "/odata/v1/Visits_productos", feed["auth"])  # pages of two, through the next link
    assert sorted((r["visit_id"], r["index"], r["producto"]) for r in rows) == sorted([
        (full, 1, "Abarcas"), (full, 2, "Mochilas"), (small, 1, "Sandalias"), (mixed, 2, None), (mixed, 3, None)])
    abarcas = next(r for r in rows if r["producto"] == "Abarcas")
    assert abarcas["id"] == f"{full}-001" and abarcas["unidades"] == 120 and abarcas["ventas"] == "4200060"
    sizes = _all(client, "/odata/v1/Visits_tallas", feed["auth"])
    assert sorted((r["visit_id"], r["parent_index"], r["index"], r["talla"], r["pares"]) for r in sizes) == sorted([
        (full, 1, 1, "38", 40), (full, 1, 2, "40", 80), (mixed, 3, 2, "S", None)])  # the index counts every item


def test_a_repeat_set_pages_counts_and_filters_its_plain_columns(client, feed):
    auth = feed["auth"]
    body = client.get("/odata/v1/Visits_productos?$count=true&$filter=index eq 2", headers=auth).get_json()
    assert body["@odata.count"] == 2 and {r["producto"] for r in body["value"]} == {"Mochilas", None}
    assert client.get("/odata/v1/Visits_productos/$count", headers=auth).data == b"5"
    chosen = f"/odata/v1/Visits_productos?$filter=visit_id eq '{feed['small'].id}'&$select=producto"
    assert client.get(chosen, headers=auth).get_json()["value"] == [{"producto": "Sandalias"}]
    ordered = _all(client, "/odata/v1/Visits_productos?$orderby=index desc&$select=index", auth)
    assert [r["index"] for r in ordered] == [3, 2, 2, 1, 1]
    assert client.get("/odata/v1/Visits_productos?$filter=unidades gt 1", headers=auth).status_code == 501
    assert client.get("/odata/v1/Visits_nada", headers=auth).status_code == 404


def test_a_repeat_set_needs_a_readers_token(client, feed, make_client):
    _token, secret = tokens.create_token(make_user("admin", username="jefa"), "BI")
    db.session.commit()
    assert len(_all(client, "/odata/v1/Visits_productos", basic("jefa", secret))) == 5
    assert make_client().get("/odata/v1/Visits_productos").status_code == 401
