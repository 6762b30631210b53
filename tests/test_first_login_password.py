"""An account whose password an admin chose (created or reset by someone else) asks for a new one at
first login, and reaches nothing else until it has its own: pages go to the password page, the API
answers 403 saying why, except the session endpoints."""
from __future__ import annotations

from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import User
from tests.builders import make_mipyme, make_user
from tests.conftest import form_token, login

ASSIGNED = "clave-del-admin-1"


def _created_by_admin(make_client, role="officer", username="nuevo"):
    admin = make_client()
    login(admin, make_user("admin"))
    token = form_token(admin, "/admin/users/new")
    response = admin.post("/admin/users/new", data={"csrf_token": token, "username": username, "name": "Nuevo",
                                                    "role": role, "mipyme_id": "", "password": ASSIGNED})
    assert response.status_code == 302
    return admin, db.session.scalar(select(User).where(User.username == username))


def _page_login(client, username, password):
    token = form_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "username": username, "password": password})


def test_a_new_account_is_sent_to_the_password_page_and_reaches_nothing_else(client, make_client):
    _created_by_admin(make_client)
    response = _page_login(client, "nuevo", ASSIGNED)
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    for path in ("/visits/", "/visits/new", "/visits/mine"):
        assert client.get(path).headers.get("Location") == "/account/password", path
    assert client.get("/", follow_redirects=True).request.path == "/account/password"
    page = client.get("/account/password").get_data(as_text=True)
    assert "Su contraseña la eligió otra persona" in page
    refused = client.get("/api/v1/mipymes")
    assert refused.status_code == 403
    assert "Debe cambiar la contraseña que le asignaron" in refused.get_json()["errors"]["_schema"][0]
    session = client.get("/api/v1/session")  # the session endpoints still answer, and say why
    assert session.status_code == 200 and session.get_json()["user"]["must_change_password"] is True


def test_keeping_the_assigned_password_is_refused_and_a_new_one_opens_the_account(client, make_client):
    _created_by_admin(make_client)
    _page_login(client, "nuevo", ASSIGNED)
    token = form_token(client, "/account/password")

    def change(new):
        return client.post("/account/password", data={"csrf_token": token, "current": ASSIGNED,
                                                      "password": new, "confirm": new})

    assert "La contraseña nueva debe ser distinta de la actual." in change(ASSIGNED).get_data(as_text=True)
    assert change("mi-clave-propia-7").headers["Location"] == "/"
    assert client.get("/visits/mine").status_code == 200
    assert client.get("/api/v1/mipymes").status_code == 200


def test_an_api_login_of_a_new_account_reaches_only_the_session(client, make_client):
    _created_by_admin(make_client, role="supervisor", username="super")
    body = login(client, "super", ASSIGNED)
    assert body["user"]["must_change_password"] is True
    assert client.get("/api/v1/visits").status_code == 403
    assert client.delete("/api/v1/session").status_code == 204


def test_a_password_reset_by_an_admin_asks_again_and_ones_own_change_does_not(client, make_client):
    admin, user = _created_by_admin(make_client)
    user.must_change_password = False
    db.session.commit()
    token = form_token(admin, "/admin/users")
    admin.post(f"/admin/users/{user.id}/password", data={"csrf_token": token, "password": "otra-del-admin-2"})
    db.session.refresh(user)
    assert user.must_change_password is True


def test_an_owner_account_made_by_a_supervisor_asks_for_a_new_password(client, make_client):
    mipyme = make_mipyme()
    supervisor = make_client()
    login(supervisor, make_user("supervisor"))
    token = form_token(supervisor, f"/mipymes/{mipyme.id}/edit")
    fields = {"csrf_token": token, "owner-username": "duena", "owner-name": "Dueña", "owner-password": ASSIGNED}
    assert supervisor.post(f"/mipymes/{mipyme.id}/owner-account", data=fields).status_code == 302
    assert _page_login(client, "duena", ASSIGNED).headers["Location"] == "/account/password"
