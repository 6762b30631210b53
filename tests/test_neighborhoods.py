"""The programme's list of places: the service, GET/POST /api/v1/neighborhoods, the supervisors' page, and
a Mipyme's `neighborhood` chosen from the list (an unlisted name refused with the nearest listed ones)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Mipyme, Neighborhood
from fieldwork.registry import neighborhoods
from fieldwork.text.search import folded_name
from tests.builders import make_mipyme, make_user
from tests.conftest import form_token, login

PLACES = {"Los Mayales": "barrio", "Novalito": "barrio", "Comuna 5": "comuna", "Atánquez": "corregimiento"}


@pytest.fixture
def places(app):
    for name, kind in PLACES.items():
        db.session.add(Neighborhood(name=name, search_name=folded_name(name), kind=kind))
    db.session.commit()


@pytest.fixture
def supervisor_client(client, places):
    login(client, make_user("supervisor", username="ana"))
    return client


def test_resolve_ignores_case_accents_and_spaces(places):
    assert neighborhoods.resolve("  atanquez ").name == "Atánquez"
    assert neighborhoods.resolve("LOS MAYALES").name == "Los Mayales"
    assert neighborhoods.resolve("Mayales") is None and neighborhoods.resolve("") is None
    assert neighborhoods.nearest("Los Mayale") == ["Los Mayales"]
    assert neighborhoods.nearest("Comuna 6")[0] == "Comuna 5"
    assert neighborhoods.nearest("Zzz") == []


def test_every_staff_role_reads_the_list_and_owners_do_not(client, make_client, places):
    assert client.get("/api/v1/neighborhoods").status_code == 401
    for role in ("officer", "supervisor", "admin"):
        staff = make_client()
        login(staff, make_user(role))
        body = staff.get("/api/v1/neighborhoods").get_json()
        assert body["total"] == 4 and [i["name"] for i in body["items"]] == sorted(PLACES, key=folded_name)
        assert {"name": "Atánquez", "kind": "corregimiento"}.items() <= body["items"][0].items()
    owner = make_client()
    login(owner, make_user("owner", mipyme=make_mipyme()))
    assert owner.get("/api/v1/neighborhoods").status_code == 403


def test_supervisors_and_admins_add_places_officers_and_owners_do_not(make_client, places):
    for role, name, expected in [("supervisor", "Villa Castro", 201), ("admin", "Mariangola", 201),
                                 ("officer", "Las Palmas", 403)]:
        caller = make_client()
        login(caller, make_user(role))
        response = caller.post("/api/v1/neighborhoods", json={"name": name, "kind": "barrio"})
        assert response.status_code == expected
    owner = make_client()
    login(owner, make_user("owner", mipyme=make_mipyme()))
    assert owner.post("/api/v1/neighborhoods", json={"name": "Otro"}).status_code == 403
    assert sorted(db.session.scalars(select(Neighborhood.name).where(Neighborhood.id > 4))) == ["Mariangola",
                                                                                             "Villa Castro"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "neighborhood.created").limit(1))
    assert entry.via == "api"


def test_an_added_place_comes_back_with_its_kind_and_defaults_to_barrio(supervisor_client):
    response = supervisor_client.post("/api/v1/neighborhoods", json={"name": "  Villa   Castro "})
    assert response.status_code == 201
    assert {k: v for k, v in response.get_json().items() if k != "id"} == {"name": "Villa Castro", "kind": "barrio"}


@pytest.mark.parametrize("body, field, message", [
    ({"name": "los mayáles"}, "name", "«Los Mayales» ya está en la lista."),
    ({"name": "   "}, "name", "Escriba el nombre del barrio."),
    ({"name": "X" * 121}, "name", "El nombre admite hasta 120 caracteres."),
    ({"name": "Otro", "kind": "ciudad"}, "kind", "Tipo desconocido"),
    ({}, "name", "Falta este dato obligatorio."),
])
def test_a_refused_place_is_told_in_spanish_and_nothing_is_added(supervisor_client, body, field, message):
    response = supervisor_client.post("/api/v1/neighborhoods", json=body)
    assert response.status_code == 400
    assert message in response.get_json()["errors"][field][0]
    assert db.session.scalar(select(func.count()).select_from(Neighborhood)) == 4


def test_adding_a_place_needs_the_csrf_token(supervisor_client):
    response = supervisor_client.post("/api/v1/neighborhoods", json={"name": "Villa Castro"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Neighborhood)) == 4


def test_a_mipyme_takes_the_lists_spelling_and_an_unlisted_name_is_refused_with_the_nearest(supervisor_client):
    body = {"name": "Mochilas", "sector": "artesanias", "officer_id": None, "neighborhood": "los mayales"}
    created = supervisor_client.post("/api/v1/mipymes", json=body)
    assert created.status_code == 201 and created.get_json()["neighborhood"] == "Los Mayales"
    refused = supervisor_client.post("/api/v1/mipymes", json={**body, "neighborhood": "Los Mayale"})
    assert refused.status_code == 400
    assert refused.get_json()["errors"]["neighborhood"] == [
        "«Los Mayale» no está en la lista de barrios del programa. ¿Quiso decir: Los Mayales?"]
    assert db.session.scalar(select(func.count()).select_from(Mipyme)) == 1


def test_a_name_typed_before_the_list_stays_until_it_is_changed(supervisor_client):
    mipyme = make_mipyme(neighborhood="Barrio Viejo Sin Lista")
    kept = supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"phone": "300 1",
                                                                           "neighborhood": "Barrio Viejo Sin Lista"})
    assert kept.status_code == 200 and kept.get_json()["neighborhood"] == "Barrio Viejo Sin Lista"
    refused = supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"neighborhood": "Barrio Nuevo"})
    assert refused.status_code == 400 and "no está en la lista" in refused.get_json()["errors"]["neighborhood"][0]
    page = supervisor_client.get(f"/mipymes/{mipyme.id}/edit").get_data(as_text=True)
    assert '<option selected value="Barrio Viejo Sin Lista">' in page


def test_the_list_filters_by_neighborhood_ignoring_case_and_accents(supervisor_client):
    make_mipyme(name="En Atánquez", neighborhood="Atánquez")
    make_mipyme(name="En Novalito", neighborhood="Novalito")
    items = supervisor_client.get("/api/v1/mipymes?neighborhood=ATANQUEZ").get_json()["items"]
    assert [i["name"] for i in items] == ["En Atánquez"]


def test_the_registry_form_offers_the_list_and_refuses_another_name(supervisor_client):
    page = supervisor_client.get("/mipymes/new").get_data(as_text=True)
    assert '<select id="neighborhood" name="neighborhood">' in page and '<option value="Novalito">' in page
    token = form_token(supervisor_client, "/mipymes/new")
    data = {"csrf_token": token, "name": "Panadería", "sector": "alimentos", "officer_id": "",
            "neighborhood": "Novalito"}
    assert supervisor_client.post("/mipymes/new", data=data).status_code == 302
    html = supervisor_client.post("/mipymes/new", data={**data, "neighborhood": "Novalitto"}).get_data(as_text=True)
    assert "¿Quiso decir: Novalito?" in html


def test_the_list_page_adds_a_place_for_supervisors_only(supervisor_client, make_client):
    page = supervisor_client.get("/neighborhoods").get_data(as_text=True)
    assert "Atánquez" in page and "Corregimiento" in page
    token = form_token(supervisor_client, "/neighborhoods")
    added = supervisor_client.post("/neighborhoods", data={"csrf_token": token, "name": "Villa Castro",
                                                           "kind": "vereda"})
    assert added.status_code == 302 and neighborhoods.resolve("villa castro").kind == "vereda"
    again = supervisor_client.post("/neighborhoods", data={"csrf_token": token, "name": "VILLA CASTRO",
                                                           "kind": "barrio"})
    assert again.status_code == 400 and "ya está en la lista" in again.get_data(as_text=True)
    for role in ("officer", "owner"):
        other = make_client()
        login(other, make_user(role, mipyme=make_mipyme() if role == "owner" else None))
        assert other.get("/neighborhoods").status_code == 403
    assert make_client().get("/neighborhoods").status_code == 302


def test_the_list_is_paged_like_every_list_of_the_api(supervisor_client):
    first = supervisor_client.get("/api/v1/neighborhoods?per_page=3").get_json()
    second = supervisor_client.get("/api/v1/neighborhoods?per_page=3&page=2").get_json()
    assert (first["total"], second["total"]) == (4, 4)
    assert [i["name"] for i in first["items"] + second["items"]] == ["Atánquez", "Comuna 5", "Los Mayales",
                                                                     "Novalito"]
