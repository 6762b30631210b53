"""Personal access tokens for the OData feed: made, listed and revoked by supervisors and admins only,
the secret shown once and stored only hashed, a revoked token refused."""
from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

import fieldwork.auth.account_views  # noqa: F401  (until fieldwork/auth/__init__.py imports it)
from fieldwork.auth import tokens
from fieldwork.extensions import db
from fieldwork.models import ApiToken, AuditEntry
from tests.builders import make_mipyme, make_user
from tests.conftest import form_token, login


def basic(username: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_token_is_shown_once_and_stored_only_hashed(client, make_client, role):
    user = make_user(role)
    login(client, user)
    response = client.post("/api/v1/tokens", json={"name": "Excel oficina"})
    assert response.status_code == 201
    body = response.get_json()
    assert {"id", "name", "token", "created_at"} <= set(body) and body["name"] == "Excel oficina"
    secret = body["token"]
    assert len(secret) >= 40
    stored = db.session.get(ApiToken, body["id"])
    assert secret not in (stored.token_hash, stored.lookup) and stored.token_hash == hashlib.sha256(
        secret.encode()).hexdigest()
    listed = client.get("/api/v1/tokens").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    assert secret not in client.get("/api/v1/tokens").get_data(as_text=True)
    # The feed opens with it, for this user only.
    assert make_client().get("/odata/v1/", headers=basic(user.username, secret)).status_code == 200
    assert make_client().get("/odata/v1/", headers=basic("someone-else", secret)).status_code == 401


@pytest.mark.parametrize("role", ["officer", "owner"])
def test_officers_and_owners_cannot_make_or_list_tokens(client, role):
    user = make_user(role, mipyme=make_mipyme() if role == "owner" else None)
    login(client, user)
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 403
    assert client.get("/api/v1/tokens").status_code == 403
    assert client.delete("/api/v1/tokens/1").status_code == 403
    assert db.session.scalar(select(ApiToken.id)) is None


def test_no_session_is_401_and_no_csrf_changes_nothing(client, make_client):
    assert make_client().get("/api/v1/tokens").status_code == 401
    login(client, make_user("supervisor"))
    assert client.post("/api/v1/tokens", json={"name": "x"}, csrf=False).status_code in (400, 403)
    assert client.get("/api/v1/tokens").get_json()["total"] == 0


@pytest.mark.parametrize(("body", "field"), [
    ({}, "name"), ({"name": ""}, "name"), ({"name": "x" * 81}, "name"), ({"name": "ok", "extra": 1}, "extra"),
    ({"name": 5}, "name"),
])
def test_a_bad_name_is_refused_beside_the_field(client, body, field):
    login(client, make_user("supervisor"))
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_a_blank_name_is_refused_by_the_service_too(client):
    login(client, make_user("admin"))
    response = client.post("/api/v1/tokens", json={"name": "   "})
    assert response.status_code == 400 and "name" in response.get_json()["errors"]


def test_revoked_token_is_refused_by_the_feed_and_gone_from_the_list(client, make_client):
    user = make_user("supervisor")
    login(client, user)
    made = client.post("/api/v1/tokens", json={"name": "Power BI"}).get_json()
    feed = make_client()
    assert feed.get("/odata/v1/Mipymes", headers=basic(user.username, made["token"])).status_code == 200
    assert client.delete(f"/api/v1/tokens/{made['id']}").status_code == 204
    refused = feed.get("/odata/v1/Mipymes", headers=basic(user.username, made["token"]))
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith('Basic realm="Fieldwork"')
    assert client.get("/api/v1/tokens").get_json()["total"] == 0
    assert client.delete(f"/api/v1/tokens/{made['id']}").status_code == 404
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "api_token")).all()
    assert sorted(actions) == ["token.created", "token.revoked"]


def test_a_user_sees_and_revokes_only_their_own_tokens(client, make_client):
    mine, theirs = make_user("supervisor"), make_user("admin")
    other = make_client()
    login(other, theirs)
    their_token = other.post("/api/v1/tokens", json={"name": "suyo"}).get_json()
    login(client, mine)
    assert client.get("/api/v1/tokens").get_json() == {"items": [], "total": 0}
    assert client.delete(f"/api/v1/tokens/{their_token['id']}").status_code == 404
    assert make_client().get("/odata/v1/", headers=basic(theirs.username, their_token["token"])).status_code == 200


def test_a_token_stops_working_when_its_user_is_deactivated_or_demoted(client, make_client):
    user = make_user("supervisor")
    login(client, user)
    secret = client.post("/api/v1/tokens", json={"name": "x"}).get_json()["token"]
    user.role = "officer"
    db.session.commit()
    assert make_client().get("/odata/v1/", headers=basic(user.username, secret)).status_code == 401
    user.role, user.active = "supervisor", False
    db.session.commit()
    assert make_client().get("/odata/v1/", headers=basic(user.username, secret)).status_code == 401


def test_last_use_is_noted_at_most_once_a_minute(client, make_client):
    user = make_user("supervisor")
    login(client, user)
    made = client.post("/api/v1/tokens", json={"name": "x"}).get_json()
    feed = make_client()
    feed.get("/odata/v1/", headers=basic(user.username, made["token"]))
    first = db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == made["id"]))
    assert first is not None
    feed.get("/odata/v1/", headers=basic(user.username, made["token"]))
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == made["id"])) == first
    token = db.session.get(ApiToken, made["id"])
    token.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    feed.get("/odata/v1/", headers=basic(user.username, made["token"]))
    db.session.expire_all()
    assert db.session.get(ApiToken, made["id"]).last_used_at > first - timedelta(minutes=2)


def test_active_tokens_are_bounded(client):
    login(client, make_user("admin"))
    for n in range(tokens.ACTIVE_MAX):
        assert client.post("/api/v1/tokens", json={"name": f"t{n}"}).status_code == 201
    refused = client.post("/api/v1/tokens", json={"name": "one too many"})
    assert refused.status_code == 400 and "name" in refused.get_json()["errors"]


def test_account_page_makes_shows_once_and_revokes_a_token(client):
    user = make_user("supervisor")
    login(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert "Desde fuente OData" in page and "/odata/v1/" in page and "/account/password" in page
    shown = client.post("/account/tokens", data={"csrf_token": form_token(client, "/account"), "name": "Excel"})
    assert shown.status_code == 200
    token = db.session.scalar(select(ApiToken))
    html = shown.get_data(as_text=True)
    secret = html.split('data-token="')[1].split('"')[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    again = client.get("/account").get_data(as_text=True)
    assert "Excel" in again and secret not in again
    revoked = client.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": form_token(client, "/account")})
    assert revoked.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_account_page_forms_need_csrf_and_the_right_role(client, make_client):
    user = make_user("supervisor")
    login(client, user)
    assert client.post("/account/tokens", data={"name": "x"}, csrf=False).status_code == 400
    officer = make_client()
    login(officer, make_user("officer"))
    page = officer.get("/account")
    assert page.status_code == 200 and "Desde fuente OData" not in page.get_data(as_text=True)
    assert officer.post("/account/tokens", data={"csrf_token": form_token(officer, "/account"),
                                                 "name": "x"}).status_code == 403
    assert db.session.scalar(select(ApiToken.id)) is None
