"""Reviewing visits: approve (locks the visit) or return with a required comment, by form and API."""
from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Visit
from tests.builders import make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import form_token, login


@pytest.fixture
def world(app):
    officer = make_user("officer")
    mipyme = make_mipyme(officer, name="Panadería La Esquina")
    visit = make_visit(mipyme, production_units=10)
    return {"officer": officer, "mipyme": mipyme, "visit": visit, "supervisor": make_user("supervisor")}


def reload(visit: Visit) -> Visit:
    db.session.expire_all()
    return db.session.get(Visit, visit.id)


def audit_actions(visit: Visit) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == visit.id)
                                   .order_by(AuditEntry.id)))


def test_a_supervisor_approves_through_the_api(client, world):
    login(client, world["supervisor"])
    response = client.post(f"/api/v1/visits/{world['visit'].id}/review", json={"decision": "approved"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["review_status"] == "approved" and body["id"] == world["visit"].id
    visit = reload(world["visit"])
    assert visit.reviewed_by_id == world["supervisor"].id and visit.reviewed_at is not None
    assert audit_actions(visit) == ["visit.approved"]


def test_returning_needs_a_comment_and_changes_nothing_without_one(client, world):
    login(client, world["supervisor"])
    for body in ({"decision": "returned"}, {"decision": "returned", "comment": "   "}):
        response = client.post(f"/api/v1/visits/{world['visit'].id}/review", json=body)
        assert response.status_code == 400
        assert "comment" in response.get_json()["errors"]
    assert reload(world["visit"]).review_status == "submitted"
    assert audit_actions(world["visit"]) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "decision"),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "returned", "comment": "x" * 2001}, "comment"),
        ({"decision": "approved", "extra": 1}, "extra"),
    ],
)
def test_bad_review_bodies_get_field_errors(client, world, body, field):
    login(client, world["supervisor"])
    response = client.post(f"/api/v1/visits/{world['visit'].id}/review", json=body)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]
    assert reload(world["visit"]).review_status == "submitted"


def test_a_returned_visit_shows_its_comment_and_can_be_approved_later(client, world):
    login(client, world["supervisor"])
    response = client.post(f"/api/v1/visits/{world['visit'].id}/review",
                           json={"decision": "returned", "comment": "Falta el número de empleados."})
    assert response.get_json()["review_comment"] == "Falta el número de empleados."
    response = client.post(f"/api/v1/visits/{world['visit'].id}/review", json={"decision": "approved"})
    assert response.status_code == 200
    assert audit_actions(world["visit"]) == ["visit.returned", "visit.approved"]


def test_an_approved_visit_is_locked(client, make_client, world):
    login(client, world["supervisor"])
    client.post(f"/api/v1/visits/{world['visit'].id}/review", json={"decision": "approved"})
    again = client.post(f"/api/v1/visits/{world['visit'].id}/review", json={"decision": "returned", "comment": "No"})
    assert again.status_code == 409
    assert reload(world["visit"]).review_status == "approved"
    # ...and its officer can no longer change it from the phone.
    phone = make_client()
    # Requests share the test's app context, where Flask-WTF caches the last raw token in `g`.
    g.pop("csrf_token", None)
    login(phone, world["officer"])
    edit = visit_payload(world["mipyme"].id, id=world["visit"].id, revision=2, notes="Cambiada")
    answer = phone.post("/api/v1/visits/sync", json={"visits": [edit]})
    assert answer.status_code == 200, answer.get_json()
    result = answer.get_json()["results"][0]
    assert result["status"] == "rejected"


@pytest.mark.parametrize("role", ["officer", "owner", "admin"])
def test_only_supervisors_review(client, world, role):
    user = world["officer"] if role == "officer" else make_user(role, mipyme=world["mipyme"] if role == "owner"
                                                                 else None)
    login(client, user)
    response = client.post(f"/api/v1/visits/{world['visit'].id}/review", json={"decision": "approved"})
    assert response.status_code == 403
    assert reload(world["visit"]).review_status == "submitted"


def test_review_without_session_or_csrf_is_refused(client, world):
    client.csrf_token = form_token(client, "/login")  # a valid token, so the missing session is what answers
    assert client.post(f"/api/v1/visits/{world['visit'].id}/review", json={"decision": "approved"}).status_code == 401
    login(client, world["supervisor"])
    response = client.post(f"/api/v1/visits/{world['visit'].id}/review", json={"decision": "approved"}, csrf=False)
    assert response.status_code == 400
    assert reload(world["visit"]).review_status == "submitted"


def test_reviewing_an_unknown_visit_is_404(client, world):
    login(client, world["supervisor"])
    assert client.post("/api/v1/visits/nope/review", json={"decision": "approved"}).status_code == 404


# --- The HTML form calls the same service --------------------------------------------------------

def test_the_form_returns_a_visit_with_its_comment(client, world):
    login(client, world["supervisor"])
    page = f"/supervision/visits/{world['visit'].id}"
    token = form_token(client, page)
    response = client.post(f"{page}/review", data={"csrf_token": token, "decision": "returned",
                                                   "comment": "Revise las ventas.", "revision": "1"})
    assert response.status_code == 302
    visit = reload(world["visit"])
    assert (visit.review_status, visit.review_comment) == ("returned", "Revise las ventas.")
    html = client.get(page).get_data(as_text=True)
    assert "Revise las ventas." in html


def test_the_form_says_why_a_return_without_comment_is_refused(client, world):
    login(client, world["supervisor"])
    page = f"/supervision/visits/{world['visit'].id}"
    response = client.post(f"{page}/review", data={"csrf_token": form_token(client, page), "decision": "returned",
                                                   "revision": "1"})
    assert response.status_code == 400
    assert "escriba qué debe corregir" in response.get_data(as_text=True)
    assert reload(world["visit"]).review_status == "submitted"


def test_the_form_approves_and_then_hides_itself(client, world):
    login(client, world["supervisor"])
    page = f"/supervision/visits/{world['visit'].id}"
    client.post(f"{page}/review", data={"csrf_token": form_token(client, page), "decision": "approved",
                                        "revision": "1"})
    html = client.get(page).get_data(as_text=True)
    assert reload(world["visit"]).review_status == "approved"
    assert "Guardar revisión" not in html and "el funcionario ya no puede cambiarla" in html


def test_the_form_without_a_csrf_token_changes_nothing(client, world):
    login(client, world["supervisor"])
    response = client.post(f"/supervision/visits/{world['visit'].id}/review", data={"decision": "approved"},
                           csrf=False)
    assert response.status_code == 400
    assert reload(world["visit"]).review_status == "submitted"


def test_the_officer_sees_the_return_comment_in_mis_visitas(client, make_client, world):
    login(client, world["supervisor"])
    client.post(f"/api/v1/visits/{world['visit'].id}/review",
                json={"decision": "returned", "comment": "Agregue la foto del taller."})
    officer = make_client()
    login(officer, world["officer"])
    assert "Agregue la foto del taller." in officer.get("/visits/mine").get_data(as_text=True)
