"""CIIU Rev. 4 A.C. as data: the classification, its search, the picker's endpoint, and a Mipyme's class
with its section and macro-sector through the API, the registry page and the list's filters."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork import ciiu
from fieldwork.extensions import db
from fieldwork.models import Mipyme, UvtValue
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import form_token, login


def test_the_classification_has_every_class_in_its_division_and_section():
    assert len(ciiu.CLASSES) == 502
    assert len(ciiu.DIVISION_SECTION) == 88
    assert sorted(set(ciiu.DIVISION_SECTION.values())) == list("ABCDEFGHIJKLMNOPQRSTU")
    for code, found in ciiu.CLASSES.items():
        assert len(code) == 4 and code.isdigit() and found.title == found.title.strip() and found.title
        assert found.division == code[:2] and ciiu.DIVISION_SECTION[found.division] == found.section
    assert set(ciiu.SECTION_MACRO_SECTOR) == set(ciiu.SECTION_TITLES) == set(ciiu.DIVISION_SECTION.values())


@pytest.mark.parametrize("section, macro", [
    *[(s, "manufactura") for s in "ABCDEF"], ("G", "comercio"), *[(s, "servicios") for s in "HIJKLMNOPQRSTU"]])
def test_each_section_has_the_macro_sector_api_md_gives_it(section, macro):
    assert ciiu.SECTION_MACRO_SECTOR[section] == macro


@pytest.mark.parametrize("code, section, macro, words", [
    ("1081", "C", "manufactura", "panadería"),        # food
    ("1410", "C", "manufactura", "prendas de vestir"),  # clothing
    ("3290", "C", "manufactura", "Otras industrias"),  # crafts (missing from DANE's hierarchy service)
    ("3110", "C", "manufactura", "muebles"),
    ("4711", "G", "comercio", "no especializados"),
    ("4690", "G", "comercio", "no especializado"),  # missing from DANE's hierarchy service
    ("5611", "I", "servicios", "a la mesa"),
    ("7912", "N", "servicios", "operadores turísticos"),
    ("9602", "S", "servicios", "Peluquería"),
    ("9524", "S", "servicios", "muebles"),
    ("0111", "A", "manufactura", "cereales"),
])
def test_common_classes_of_small_businesses(code, section, macro, words):
    found = ciiu.lookup(code)
    assert found is not None and words in found.title
    assert (ciiu.section_of(code), ciiu.macro_sector_of(code)) == (section, macro)


@pytest.mark.parametrize("written, code", [
    ("1081", "1081"), (" 1081 ", "1081"), ("C1081", "1081"), ("1081 - Elaboración de productos de panadería", "1081"),
    ("111", "0111"), ("A0112 ** Cultivo de arroz", "0112"),
    ("G1081", None), ("10811", None), ("1080", None), ("panadería", None), ("", None), (None, None)])
def test_a_class_is_read_as_spreadsheets_write_it(written, code):
    found = ciiu.lookup(written)
    assert (found.code if found else None) == code


def test_search_ignores_case_and_accents_and_puts_codes_first():
    assert [c.code for c in ciiu.search("PELUQUERIA")] == ["9602"]
    assert "1081" in [c.code for c in ciiu.search("panaderia")]
    assert [c.code for c in ciiu.search("47", 3)] == ["4711", "4719", "4721"]
    assert ciiu.search("   ") == [] and len(ciiu.search("comercio", 5)) == 5


def test_the_picker_endpoint_answers_every_staff_role_and_not_owners(client, make_client):
    assert client.get("/api/v1/ciiu?q=pan").status_code == 401
    for role in ("officer", "supervisor", "admin"):
        staff = make_client()
        login(staff, make_user(role))
        body = staff.get("/api/v1/ciiu?q=panaderia").get_json()
        assert {"code": "1081", "title": "Elaboración de productos de panadería", "division": "10",
                "section": "C", "macro_sector": "manufactura"} in body["items"]
    owner = make_client()
    login(owner, make_user("owner", mipyme=make_mipyme()))
    assert owner.get("/api/v1/ciiu?q=pan").status_code == 403


@pytest.fixture
def supervisor_client(client):
    login(client, make_user("supervisor"))
    return client


def test_a_mipyme_carries_its_class_section_and_macro_sector(supervisor_client):
    body = {"name": "Panadería El Trigal", "sector": "alimentos", "officer_id": None, "ciiu": "C1081"}
    item = supervisor_client.post("/api/v1/mipymes", json=body).get_json()
    assert (item["ciiu"], item["ciiu_section"], item["macro_sector"]) == ("1081", "C", "manufactura")
    assert item["ciiu_title"] == "Elaboración de productos de panadería"
    changed = supervisor_client.patch(f"/api/v1/mipymes/{item['id']}", json={"ciiu": "4711"}).get_json()
    assert (changed["ciiu"], changed["ciiu_section"], changed["macro_sector"]) == ("4711", "G", "comercio")
    cleared = supervisor_client.patch(f"/api/v1/mipymes/{item['id']}", json={"ciiu": None}).get_json()
    assert (cleared["ciiu"], cleared["ciiu_section"], cleared["macro_sector"]) == (None, None, None)


@pytest.mark.parametrize("code", ["1080", "9999", "G1081", "panaderia"])
def test_a_code_that_is_not_a_class_is_refused_in_spanish_and_nothing_stored(supervisor_client, code):
    response = supervisor_client.post("/api/v1/mipymes", json={"name": "X", "sector": "alimentos",
                                                               "officer_id": None, "ciiu": code})
    assert response.status_code == 400
    assert "no es una clase de la CIIU Rev. 4 A.C." in response.get_json()["errors"]["ciiu"][0]
    assert db.session.scalar(select(func.count()).select_from(Mipyme)) == 0


def test_the_list_filters_by_class_and_macro_sector(supervisor_client):
    make_mipyme(name="Panadería", ciiu="1081")
    make_mipyme(name="Tienda", ciiu="4711")
    make_mipyme(name="Peluquería", ciiu="9602")
    make_mipyme(name="Sin clase")

    def names(query):
        return sorted(i["name"] for i in supervisor_client.get(f"/api/v1/mipymes?{query}").get_json()["items"])

    assert names("macro_sector=manufactura") == ["Panadería"]
    assert names("macro_sector=comercio") == ["Tienda"]
    assert names("macro_sector=servicios") == ["Peluquería"]
    assert names("ciiu=9602") == ["Peluquería"]
    bad = supervisor_client.get("/api/v1/mipymes?ciiu=1080")
    assert bad.status_code == 400 and "no es una clase" in bad.get_json()["errors"]["ciiu"][0]
    assert supervisor_client.get("/api/v1/mipymes?macro_sector=mineria").status_code == 400


def test_the_registry_page_offers_the_picker_and_stores_the_class(supervisor_client):
    page = supervisor_client.get("/mipymes/new").get_data(as_text=True)
    assert 'list="ciiu-classes"' in page and "js/ciiu-picker.js" in page and '<datalist id="ciiu-classes">' in page
    token = form_token(supervisor_client, "/mipymes/new")
    data = {"csrf_token": token, "name": "Confecciones Ñeque", "sector": "confecciones", "officer_id": "",
            "ciiu": "1410"}
    assert supervisor_client.post("/mipymes/new", data=data).status_code == 302
    mipyme = db.session.scalar(select(Mipyme))
    assert mipyme.ciiu == "1410"
    edit = supervisor_client.get(f"/mipymes/{mipyme.id}/edit").get_data(as_text=True)
    assert "Confección de prendas de vestir, excepto prendas de piel" in edit
    refused = supervisor_client.post("/mipymes/new", data={**data, "name": "Otra", "ciiu": "1400"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "no es una clase de la CIIU Rev. 4 A.C." in html and 'class="error"' in html


def test_a_mipyme_carries_its_size_band_by_its_macro_sector(supervisor_client):
    db.session.add_all([UvtValue(year=y, value_cop=v) for y, v in {2025: 49799, 2026: 52374}.items()])
    officer = make_user("officer")
    tienda = make_mipyme(officer, name="Tienda", ciiu="4711")
    make_visit(tienda, monthly_sales_cop=10_000_000)  # 120 millones al año: micro en comercio
    make_mipyme(officer, name="Sin clase")
    items = {i["name"]: i for i in supervisor_client.get("/api/v1/mipymes").get_json()["items"]}
    assert items["Tienda"]["size_band"]["band"] == "micro"
    assert items["Tienda"]["size_band"]["annual_revenue_cop"] == 120_000_000
    assert items["Sin clase"]["size_band"] == {"band": "unknown", "annual_revenue_cop": None,
                                               "uvt_year": items["Sin clase"]["size_band"]["uvt_year"]}
    one = supervisor_client.get(f"/api/v1/mipymes/{tienda.id}").get_json()
    assert one["size_band"] == items["Tienda"]["size_band"]


def test_the_picker_endpoint_pages_its_matches(supervisor_client):
    first = supervisor_client.get("/api/v1/ciiu?q=47&per_page=2").get_json()
    assert first["total"] == 31 and [i["code"] for i in first["items"]] == ["4711", "4719"]
    second = supervisor_client.get("/api/v1/ciiu?q=47&per_page=2&page=2").get_json()
    assert [i["code"] for i in second["items"]] == ["4721", "4722"]
    assert supervisor_client.get("/api/v1/ciiu").get_json() == {"items": [], "total": 0}
