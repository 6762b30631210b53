"""Login and logout, the JSON session API, and what happens without a session."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, User
from tests.builders import PASSWORD, make_mipyme, make_user
from tests.conftest import form_token, login


def test_session_api_login_returns_user_and_csrf_token(client):
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    response = client.post("/api/v1/session", json={"username": "lucia", "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"] == {"id": officer.id, "username": "lucia", "name": "Lucía Ramos", "role": "officer",
                            "mipyme_id": None, "must_change_password": False}
    assert body["csrf_token"]


def test_owner_session_carries_its_mipyme(client):
    mipyme = make_mipyme()
    make_user("owner", username="dueno", mipyme=mipyme)
    body = login(client, "dueno")
    assert body["user"]["mipyme_id"] == mipyme.id


def test_username_is_case_insensitive_on_login(client):
    make_user("officer", username="lucia")
    assert client.post("/api/v1/session", json={"username": "Lucia", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("body", [
    {"username": "lucia", "password": "wrong-password"},
    {"username": "nobody", "password": PASSWORD},
])
def test_wrong_credentials_answer_401_json(client, body):
    make_user("officer", username="lucia")
    response = client.post("/api/v1/session", json=body)
    assert response.status_code == 401
    assert response.get_json()["error"] == "Usuario o contraseña incorrectos."


@pytest.mark.parametrize("body, field", [
    ({"password": PASSWORD}, "username"),
    ({"username": "lucia"}, "password"),
    ({"username": 12, "password": PASSWORD}, "username"),
])
def test_malformed_login_answers_400_with_field_messages(client, body, field):
    response = client.post("/api/v1/session", json=body)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_login_body_must_be_a_json_object(client):
    response = client.post("/api/v1/session", data="not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["errors"]["_schema"]


def test_inactive_user_cannot_log_in(client):
    make_user("officer", username="lucia", active=False)
    assert client.post("/api/v1/session", json={"username": "lucia", "password": PASSWORD}).status_code == 401


def test_deactivated_user_loses_open_session(client):
    officer = make_user("officer", username="lucia")
    login(client, officer)
    officer.active = False
    db.session.commit()
    assert client.get("/api/v1/session").status_code == 401


def test_get_session_gives_fresh_token_and_401_without_session(client):
    assert client.get("/api/v1/session").status_code == 401
    assert client.get("/api/v1/session").is_json
    officer = make_user("officer")
    login(client, officer)
    response = client.get("/api/v1/session")
    assert response.status_code == 200
    assert response.get_json()["user"]["id"] == officer.id
    assert response.get_json()["csrf_token"]


def test_delete_session_logs_out(client):
    login(client, make_user("officer"))
    assert client.delete("/api/v1/session").status_code == 204
    assert client.get("/api/v1/session").status_code == 401


def test_delete_session_without_csrf_token_is_refused(client):
    login(client, make_user("officer"))
    response = client.delete("/api/v1/session", csrf=False)
    assert response.status_code == 400
    assert client.get("/api/v1/session").status_code == 200


def test_api_without_session_answers_401_json_not_redirect(client):
    response = client.get("/api/v1/mipymes")
    assert response.status_code == 401
    assert response.is_json


def test_page_without_session_redirects_to_login_with_next(client):
    response = client.get("/mipymes")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_home_sends_visitor_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


@pytest.mark.parametrize("role, home", [
    ("officer", "/visits/"),
    ("supervisor", "/supervision/"),
    ("admin", "/admin/users"),
    ("owner", "/owner/"),
])
def test_each_role_lands_on_its_home_after_page_login(client, role, home):
    mipyme = make_mipyme()
    make_user(role, username="someone", mipyme=mipyme if role == "owner" else None)
    token = form_token(client, "/login")
    response = client.post("/login", data={"username": "someone", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = client.get("/")
    assert response.headers["Location"] == home
    assert client.get(home).status_code == 200


def test_page_login_wrong_password_shows_spanish_message(client):
    make_user("officer", username="lucia")
    token = form_token(client, "/login")
    response = client.post("/login", data={"username": "lucia", "password": "nope-nope", "csrf_token": token})
    assert response.status_code == 200
    assert "Usuario o contraseña incorrectos." in response.get_data(as_text=True)


def test_page_login_without_csrf_token_is_refused(client):
    make_user("officer", username="lucia")
    response = client.post("/login", data={"username": "lucia", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/visits/").status_code == 302


@pytest.mark.parametrize("next_url, expected", [
    ("/mipymes", "/mipymes"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_login_follows_next_only_to_local_paths(client, next_url, expected):
    make_user("supervisor", username="ana")
    token = form_token(client, "/login")
    response = client.post("/login?next=" + next_url,
                           data={"username": "ana", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == expected


def test_login_starts_a_new_session(client):
    make_user("officer", username="lucia")
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    login(client, "lucia")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_is_post_only_and_ends_session(client):
    make_user("officer", username="lucia")
    login(client, "lucia")
    assert client.get("/logout").status_code == 405
    token = form_token(client, "/visits/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/visits/").status_code == 302


def test_logins_and_logouts_are_audited(client):
    user = make_user("officer", username="lucia")
    login(client, user)
    client.delete("/api/v1/session")
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id)).all()
    assert actions == ["user.login", "user.logout"]


def test_passwords_are_stored_hashed(app):
    user = make_user("officer")
    stored = db.session.get(User, user.id).password_hash
    assert PASSWORD not in stored and stored.startswith("pbkdf2:sha256:")


def test_owner_changes_password(client):
    mipyme = make_mipyme()
    make_user("owner", username="dueno", mipyme=mipyme)
    login(client, "dueno")
    token = form_token(client, "/account/password")
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": "nueva-clave-2026", "confirm": "nueva-clave-2026", "csrf_token": token})
    assert response.status_code == 302
    client.delete("/api/v1/session")
    assert client.post("/api/v1/session", json={"username": "dueno", "password": "nueva-clave-2026"}).status_code == 200


@pytest.mark.parametrize("form, message", [
    ({"current": "wrong-one", "password": "nueva-clave-2026", "confirm": "nueva-clave-2026"},
     "La contraseña actual no es correcta."),
    ({"current": PASSWORD, "password": "corta", "confirm": "corta"}, "al menos 8 caracteres"),
    ({"current": PASSWORD, "password": "nueva-clave-2026", "confirm": "otra-clave-2026"},
     "Las contraseñas no coinciden."),
])
def test_password_change_refusals_are_explained(client, form, message):
    make_user("officer", username="lucia")
    login(client, "lucia")
    token = form_token(client, "/account/password")
    response = client.post("/account/password", data={**form, "csrf_token": token})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(make_client):
    make_user("officer", username="andrea")
    laptop, phone = make_client(), make_client()
    login(laptop, "andrea")
    login(phone, "andrea")
    token = form_token(laptop, "/account/password")
    response = laptop.post("/account/password", data={
        "csrf_token": token, "current": PASSWORD, "password": "otra-clave-segura", "confirm": "otra-clave-segura"})
    assert response.status_code == 302
    assert laptop.get("/api/v1/session").status_code == 200
    assert phone.get("/api/v1/session").status_code == 401
