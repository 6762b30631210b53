"""The Mipyme registry: pages and JSON API, validation, visibility, audit."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Mipyme
from fieldwork.registry.nit import check_digit, normalise_nit
from tests.builders import make_mipyme, make_neighborhood, make_user
from tests.conftest import form_token, login


@pytest.mark.parametrize("raw, expected", [
    ("800.197.268-4", "800197268-4"),   # DIAN's own NIT
    ("800197268-4", "800197268-4"),
    ("8001972684", "800197268-4"),
    ("800.197.268-5", None),
    ("12-3", None),
    ("abc", None),
])
def test_nit_check_digit(raw, expected):
    assert normalise_nit(raw) == expected


def test_check_digit_zero_and_one_remainders_are_kept():
    # remainders 0 and 1 are the digit itself (DIAN's rule), others are 11 - remainder
    assert all(0 <= check_digit(str(n)) <= 9 for n in range(100000, 100300))


@pytest.fixture
def supervisor_client(client):
    login(client, make_user("supervisor", username="ana"))
    return client


def test_supervisor_creates_mipyme_through_api(supervisor_client):
    officer = make_user("officer")
    make_neighborhood("Los Mayales")
    response = supervisor_client.post("/api/v1/mipymes", json={
        "name": "Mochilas Kankuamas", "sector": "artesanias", "officer_id": officer.id,
        "nit": "800.197.268-4", "neighborhood": "Los Mayales", "phone": "300 123 4567"})
    assert response.status_code == 201
    item = response.get_json()
    assert item["name"] == "Mochilas Kankuamas" and item["nit"] == "800197268-4"
    assert item["visit_count"] == 0 and item["last_visit_at"] is None and item["next_follow_up_due"] is None
    assert item["flags"] == ["never_visited"]
    created = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mipyme.created"))
    assert created.entity_id == str(item["id"]) and created.via == "api"


@pytest.mark.parametrize("body, field, message", [
    ({"sector": "artesanias", "officer_id": None}, "name", "Falta este dato obligatorio."),
    ({"name": "", "sector": "artesanias", "officer_id": None}, "name", "Escriba el nombre"),
    ({"name": "X", "sector": "mineria", "officer_id": None}, "sector", "Sector desconocido"),
    ({"name": "X", "sector": "artesanias", "officer_id": 99999}, "officer_id", "funcionario de campo activo"),
    ({"name": "X", "sector": "artesanias", "officer_id": None, "nit": "800197268-5"}, "nit", "NIT no válido"),
    ({"name": "X", "sector": "artesanias", "officer_id": "uno"}, "officer_id", "número entero"),
    ({"name": "X", "sector": "artesanias", "officer_id": None, "color": "rojo"}, "color", "Campo desconocido"),
])
def test_invalid_mipyme_gets_spanish_field_message_and_nothing_stored(supervisor_client, body, field, message):
    response = supervisor_client.post("/api/v1/mipymes", json=body)
    assert response.status_code == 400
    assert message in " ".join(response.get_json()["errors"][field])
    assert db.session.scalar(select(func.count()).select_from(Mipyme)) == 0


def test_duplicate_nit_is_refused(supervisor_client):
    make_mipyme(nit="800197268-4")
    response = supervisor_client.post("/api/v1/mipymes", json={
        "name": "Otra", "sector": "comercio", "officer_id": None, "nit": "800197268-4"})
    assert response.status_code == 400
    assert "Ya hay una Mipyme" in response.get_json()["errors"]["nit"][0]


def test_patch_reassigns_and_deactivates(supervisor_client):
    first, second = make_user("officer"), make_user("officer")
    mipyme = make_mipyme(first)
    response = supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"officer_id": second.id})
    assert response.status_code == 200 and response.get_json()["officer_id"] == second.id
    response = supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"active": False})
    assert response.get_json()["active"] is False
    listed = supervisor_client.get("/api/v1/mipymes").get_json()
    assert listed["total"] == 0
    assert supervisor_client.get("/api/v1/mipymes?include_inactive=true").get_json()["total"] == 1
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "mipyme")).all()
    assert actions == ["mipyme.reassigned", "mipyme.updated"]


def test_patch_without_csrf_changes_nothing(supervisor_client):
    mipyme = make_mipyme(name="Antes")
    response = supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"name": "Después"}, csrf=False)
    assert response.status_code == 400
    db.session.refresh(mipyme)
    assert mipyme.name == "Antes"


def test_officer_sees_only_assigned_mipymes(client):
    officer, other = make_user("officer"), make_user("officer")
    mine, theirs = make_mipyme(officer, name="Mía"), make_mipyme(other, name="Ajena")
    login(client, officer)
    body = client.get("/api/v1/mipymes").get_json()
    assert [item["name"] for item in body["items"]] == ["Mía"] and body["total"] == 1
    assert client.get(f"/api/v1/mipymes/{mine.id}").status_code == 200
    assert client.get(f"/api/v1/mipymes/{theirs.id}").status_code == 404


def test_owner_sees_only_own_mipyme(client):
    own, other = make_mipyme(name="Propia"), make_mipyme(name="Vecina")
    login(client, make_user("owner", mipyme=own))
    assert [i["name"] for i in client.get("/api/v1/mipymes").get_json()["items"]] == ["Propia"]
    assert client.get(f"/api/v1/mipymes/{other.id}").status_code == 404


@pytest.mark.parametrize("role", ["officer", "owner"])
def test_only_office_roles_create_or_change_mipymes(client, role):
    mipyme = make_mipyme()
    login(client, make_user(role, mipyme=mipyme if role == "owner" else None))
    assert client.post("/api/v1/mipymes", json={"name": "X", "sector": "otro", "officer_id": None}).status_code == 403
    assert client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"name": "X"}).status_code == 403


def test_list_filters_and_pagination(supervisor_client):
    officer = make_user("officer")
    for i in range(5):
        make_mipyme(officer if i % 2 else None, name=f"Taller {i}", sector="confecciones" if i < 2 else "alimentos")
    body = supervisor_client.get("/api/v1/mipymes?per_page=2&page=2").get_json()
    assert body["total"] == 5 and [i["name"] for i in body["items"]] == ["Taller 2", "Taller 3"]
    assert supervisor_client.get("/api/v1/mipymes?sector=confecciones").get_json()["total"] == 2
    assert supervisor_client.get(f"/api/v1/mipymes?officer_id={officer.id}").get_json()["total"] == 2
    assert supervisor_client.get("/api/v1/mipymes?q=ller 4").get_json()["total"] == 1
    assert supervisor_client.get("/api/v1/mipymes?q=%25").get_json()["total"] == 0
    assert supervisor_client.get("/api/v1/mipymes?flag=never_visited").get_json()["total"] == 5
    bad = supervisor_client.get("/api/v1/mipymes?per_page=5000&flag=nope")
    assert bad.status_code == 400 and set(bad.get_json()["errors"]) == {"per_page", "flag"}


def test_supervisor_registers_mipyme_through_page(supervisor_client):
    officer = make_user("officer", name="Lucía Ramos")
    make_neighborhood("Novalito", "corregimiento")
    page = supervisor_client.get("/mipymes/new").get_data(as_text=True)
    assert "Lucía Ramos" in page
    token = form_token(supervisor_client, "/mipymes/new")
    response = supervisor_client.post("/mipymes/new", data={
        "csrf_token": token, "name": "Panadería El Ancla", "sector": "alimentos", "officer_id": str(officer.id),
        "nit": "", "owner_name": "", "phone": "", "address": "", "neighborhood": "Novalito"})
    assert response.status_code == 302
    mipyme = db.session.scalar(select(Mipyme))
    assert (mipyme.name, mipyme.officer_id, mipyme.nit) == ("Panadería El Ancla", officer.id, None)


@pytest.mark.parametrize("form, message", [
    ({"name": "", "sector": "alimentos"}, "Escriba el nombre de la Mipyme."),
    ({"name": "X", "sector": ""}, "Elija un sector."),
    ({"name": "X", "sector": "alimentos", "nit": "900123456-1"}, "NIT no válido"),
])
def test_registry_form_shows_spanish_message_beside_field(supervisor_client, form, message):
    token = form_token(supervisor_client, "/mipymes/new")
    response = supervisor_client.post("/mipymes/new", data={"csrf_token": token, "officer_id": "", **form})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and 'class="error"' in html
    assert db.session.scalar(select(func.count()).select_from(Mipyme)) == 0


def test_supervisor_edits_and_deactivates_through_pages(supervisor_client):
    mipyme = make_mipyme(name="Antes")
    token = form_token(supervisor_client, f"/mipymes/{mipyme.id}/edit")
    response = supervisor_client.post(f"/mipymes/{mipyme.id}/edit", data={
        "csrf_token": token, "name": "Después", "sector": "turismo", "officer_id": ""})
    assert response.status_code == 302
    response = supervisor_client.post(f"/mipymes/{mipyme.id}/active", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(mipyme)
    assert (mipyme.name, mipyme.sector, mipyme.active) == ("Después", "turismo", False)
    assert "Después" not in supervisor_client.get("/mipymes").get_data(as_text=True)
    assert "Después" in supervisor_client.get("/mipymes?inactive=1").get_data(as_text=True)


def test_admin_manages_users_through_pages(client):
    admin = make_user("admin", username="root")
    login(client, admin)
    mipyme = make_mipyme()
    token = form_token(client, "/admin/users/new")
    response = client.post("/admin/users/new", data={
        "csrf_token": token, "username": "nuevo", "name": "Nuevo Dueño", "role": "owner",
        "mipyme_id": str(mipyme.id), "password": "clave-segura-1"})
    assert response.status_code == 302
    from fieldwork.models import User

    user = db.session.scalar(select(User).where(User.username == "nuevo"))
    assert user.mipyme_id == mipyme.id
    client.post(f"/admin/users/{user.id}/password", data={"csrf_token": token, "password": "otra-clave-22"})
    client.post(f"/admin/users/{user.id}/active", data={"csrf_token": token})
    db.session.refresh(user)
    assert user.active is False
    other = client.application.test_client()
    assert other.post("/api/v1/session", json={"username": "nuevo", "password": "otra-clave-22"}).status_code == 401
    user.active = True
    db.session.commit()
    assert other.post("/api/v1/session", json={"username": "nuevo", "password": "otra-clave-22"}).status_code == 200


def test_admin_user_form_rejects_owner_without_mipyme_and_short_password(client):
    login(client, make_user("admin"))
    token = form_token(client, "/admin/users/new")
    html = client.post("/admin/users/new", data={
        "csrf_token": token, "username": "x", "role": "owner", "mipyme_id": "", "password": "corta"}
    ).get_data(as_text=True)
    assert "Una cuenta de propietario necesita su Mipyme." in html
    assert "al menos 8 caracteres" in html


def test_admin_cannot_deactivate_self(client):
    admin = make_user("admin")
    login(client, admin)
    token = form_token(client, "/admin/users")
    client.post(f"/admin/users/{admin.id}/active", data={"csrf_token": token})
    db.session.refresh(admin)
    assert admin.active is True
