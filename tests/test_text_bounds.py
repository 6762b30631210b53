"""Every free text a person sends has a bound (API.md: notes at most 2,000 characters), and past it a
Spanish message that names the field and says how long it may be: on the API beside the field, on pages
beside the input. One case per bound."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import Mipyme, User, Visit
from tests.builders import PASSWORD, make_mipyme, make_user, visit_payload
from tests.conftest import form_token, login


@pytest.mark.parametrize("field, length, message", [
    ("needs", 2001, "Las necesidades admiten como máximo 2000 caracteres; acórtelas."),
    ("notes", 2001, "Las observaciones admiten como máximo 2000 caracteres; acórtelas."),
    ("follow_up_reason", 501, "El motivo del seguimiento admite como máximo 500 caracteres; acórtelo."),
])
def test_a_visits_texts_past_their_bound_are_refused_with_the_fields_name(client, field, length, message):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    login(client, officer)
    fits = visit_payload(mipyme.id, **{field: "a" * (length - 1)})
    too_long = visit_payload(mipyme.id, **{field: "a" * length})
    results = client.post("/api/v1/visits/sync", json={"visits": [fits, too_long]}).get_json()["results"]
    assert [r["status"] for r in results] == ["created", "rejected"]
    assert results[1]["errors"] == {field: [message]}
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1


@pytest.mark.parametrize("field, length, message", [
    ("nit", 21, "El NIT admite hasta 20 caracteres."),
    ("owner_name", 121, "El nombre del propietario admite hasta 120 caracteres."),
    ("phone", 33, "El teléfono admite hasta 32 caracteres."),
    ("address", 201, "La dirección admite hasta 200 caracteres."),
    ("neighborhood", 121, "El barrio admite hasta 120 caracteres."),
])
def test_the_apis_mipyme_texts_past_their_bound_name_the_field(client, field, length, message):
    login(client, make_user("supervisor"))
    response = client.post("/api/v1/mipymes", json={"name": "Tienda", "sector": "alimentos", "officer_id": None,
                                                    field: "1" * length})
    assert response.status_code in (400, 422)
    assert response.get_json()["errors"][field] == [message]
    assert db.session.scalar(select(func.count()).select_from(Mipyme)) == 0


@pytest.mark.parametrize("field, message", [("username", "Escriba su usuario (hasta 64 caracteres)."),
                                            ("password", "Escriba su contraseña (hasta 256 caracteres).")])
def test_the_apis_login_texts_past_their_bound_name_the_field(client, field, message):
    body = {"username": "ana", "password": PASSWORD, field: "x" * 300}
    response = client.post("/api/v1/session", json=body)
    assert response.status_code == 400 and response.get_json()["errors"][field] == [message]


def _page_errors(client, path, data):
    token = form_token(client, path)
    return client.post(path, data={"csrf_token": token, **data}).get_data(as_text=True)


@pytest.mark.parametrize("field, length, message", [
    ("username", 65, "El usuario admite hasta 64 caracteres."),
    ("password", 257, "La contraseña admite hasta 256 caracteres."),
])
def test_the_login_page_bounds_its_texts(client, field, length, message):
    make_user("officer", username="ana")
    html = _page_errors(client, "/login", {"username": "ana", "password": PASSWORD, field: "x" * length})
    assert message in html


@pytest.mark.parametrize("field", ["current", "password", "confirm"])
def test_the_password_page_bounds_each_password(client, field):
    login(client, make_user("officer"))
    data = {"current": PASSWORD, "password": "nueva-clave-1", "confirm": "nueva-clave-1", field: "x" * 257}
    assert "La contraseña admite hasta 256 caracteres." in _page_errors(client, "/account/password", data)


@pytest.mark.parametrize("field, length, message", [
    ("name", 161, "El nombre admite hasta 160 caracteres."),
    ("nit", 21, "El NIT admite hasta 20 caracteres."),
    ("owner_name", 121, "El nombre del propietario admite hasta 120 caracteres."),
    ("phone", 33, "El teléfono admite hasta 32 caracteres."),
    ("address", 201, "La dirección admite hasta 200 caracteres."),
    ("neighborhood", 121, "El barrio admite hasta 120 caracteres."),
])
def test_the_registry_page_bounds_each_mipyme_text(client, field, length, message):
    login(client, make_user("supervisor"))
    data = {"name": "Tienda", "sector": "alimentos", "officer_id": "", field: "1" * length}
    assert message in _page_errors(client, "/mipymes/new", data)
    assert db.session.scalar(select(func.count()).select_from(Mipyme)) == 0


@pytest.mark.parametrize("field, length, message", [
    ("username", 65, "El usuario admite hasta 64 caracteres."),
    ("name", 121, "El nombre admite hasta 120 caracteres."),
    ("password", 257, "La contraseña admite hasta 256 caracteres."),
])
def test_the_account_page_bounds_each_text(client, field, length, message):
    login(client, make_user("admin"))
    data = {"username": "nuevo", "name": "Nuevo", "role": "officer", "mipyme_id": "", "password": "clave-segura-1",
            field: "a" * length}
    assert message in _page_errors(client, "/admin/users/new", data)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "nuevo")) == 0


def test_a_password_reset_past_the_bound_says_so(client):
    login(client, make_user("admin"))
    user = make_user("officer")
    token = form_token(client, "/admin/users")
    response = client.post(f"/admin/users/{user.id}/password", data={"csrf_token": token, "password": "x" * 257},
                           follow_redirects=True)
    assert "La contraseña admite hasta 256 caracteres." in response.get_data(as_text=True)


@pytest.mark.parametrize("path, field", [("/supervision/", "q"), ("/supervision/visits", "mipyme")])
def test_the_supervisors_searches_bound_their_text(client, path, field):
    login(client, make_user("supervisor"))
    html = client.get(path, query_string={field: "a" * 161}).get_data(as_text=True)
    assert "La búsqueda admite hasta 160 caracteres." in html
