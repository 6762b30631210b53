"""What people see of a visit's life on the pages (issue 16 items 4, 6, 19): the supervisor is told the
owner has not answered before approving; an owner's dispute of an approved visit puts it back in the
supervisor's queue; a resolution is bound to the revision read and says its outcome once."""
from __future__ import annotations

import re

import pytest

from fieldwork.extensions import db
from fieldwork.models import Visit
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import form_token, login

UNANSWERED = "El propietario aún no ha confirmado esta visita."


@pytest.fixture
def world(app, make_client):
    officer = make_user("officer", name="Ana Arzuaga")
    supervisor = make_user("supervisor", name="Rosa Maestre")
    mipyme = make_mipyme(officer, name="Quesos El Copey")
    clients = {"supervisor": make_client(), "owner": make_client()}
    login(clients["supervisor"], supervisor)
    login(clients["owner"], make_user("owner", mipyme=mipyme))
    return {"clients": clients, "visit": make_visit(mipyme, officer), "supervisor": supervisor}


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _page(world) -> str:
    return _text(world["clients"]["supervisor"].get(f"/supervision/visits/{world['visit'].id}"))


def _state(visit_id: str) -> Visit:
    db.session.expire_all()
    return db.session.get(Visit, visit_id)


def test_before_approving_the_supervisor_sees_that_the_owner_has_not_answered(world):
    assert UNANSWERED in _page(world)
    owner = world["clients"]["owner"]
    assert owner.post(f"/api/v1/visits/{world['visit'].id}/confirmation",
                      json={"decision": "confirmed"}).status_code == 200
    assert UNANSWERED not in _page(world)


def test_an_owners_dispute_of_an_approved_visit_puts_it_back_in_the_supervisors_queue(world):
    sup, visit_id = world["clients"]["supervisor"], world["visit"].id
    assert sup.post(f"/api/v1/visits/{visit_id}/review", json={"decision": "approved"}).status_code == 200
    assert "Guardar revisión" not in _page(world)
    response = world["clients"]["owner"].post(f"/api/v1/visits/{visit_id}/confirmation",
                                              json={"decision": "disputed", "comment": "Nunca vino."})
    assert response.status_code == 200 and response.get_json()["review_status"] == "submitted"
    page = _page(world)
    assert "reabierta: el propietario la disputó después de aprobada." in page
    assert "Reabierta: el propietario disputó la visita aprobada" in page.split("Historial de revisión")[1]
    assert "Guardar revisión" in page and "Resolver disputa" in page
    log = _text(sup.get("/supervision/visits?review_status=submitted"))
    assert "Quesos El Copey" in log and "Revisar</a>" in log


def test_a_resolution_says_its_outcome_once_and_offers_one_line_choices(world):
    sup, visit_id = world["clients"]["supervisor"], world["visit"].id
    world["clients"]["owner"].post(f"/api/v1/visits/{visit_id}/confirmation",
                                   json={"decision": "disputed", "comment": "No fue así."})
    html = sup.get(f"/supervision/visits/{visit_id}").get_data(as_text=True)
    labels = re.findall(r'<label class="check"><input[^>]*name="outcome"[^>]*> ([^<]+)</label>', html)
    assert labels == ["El propietario tiene razón", "El registro se mantiene"]
    assert "la visita vuelve al funcionario con su nota para que la corrija" in html
    response = sup.post(f"/supervision/visits/{visit_id}/resolve", data={
        "csrf_token": form_token(sup, f"/supervision/visits/{visit_id}"), "outcome": "record_stands",
        "note": "Llamé al propietario.", "revision": "1"})
    assert response.status_code == 302
    page = _page(world)
    assert "Disputa resuelta: Disputa resuelta" not in page
    assert "<strong>Disputa resuelta: el registro se mantiene</strong> ·" in page


def test_a_resolution_on_a_revision_the_supervisor_did_not_read_changes_nothing(world):
    sup, visit_id = world["clients"]["supervisor"], world["visit"].id
    world["clients"]["owner"].post(f"/api/v1/visits/{visit_id}/confirmation",
                                   json={"decision": "disputed", "comment": "No fue así."})
    stale = sup.post(f"/api/v1/visits/{visit_id}/dispute-resolution",
                     json={"outcome": "owner_right", "note": "Corrija.", "revision": 2})
    assert stale.status_code == 409 and "revision" in stale.get_json()["errors"]
    page = f"/supervision/visits/{visit_id}"
    missing = sup.post(f"{page}/resolve", data={"csrf_token": form_token(sup, page), "outcome": "owner_right",
                                                "note": "Corrija."})
    assert missing.status_code == 400
    assert _state(visit_id).dispute_resolved_at is None
    assert sup.post(f"/api/v1/visits/{visit_id}/dispute-resolution",
                    json={"outcome": "owner_right", "note": "Corrija.", "revision": 1}).status_code == 200
    assert _state(visit_id).review_comment == "Corrija."


def test_the_dashboards_resolution_form_sends_the_revision_read(world):
    """The dashboard's dispute cards resolve too: their form must carry the revision the card shows."""
    visit_id = world["visit"].id
    world["clients"]["owner"].post(f"/api/v1/visits/{visit_id}/confirmation",
                                   json={"decision": "disputed", "comment": "No fue así."})
    html = world["clients"]["supervisor"].get("/supervision/").get_data(as_text=True)
    form = html[html.index(f'/supervision/visits/{visit_id}/resolve'):]
    form = form[:form.index("</form>")]
    assert re.search(r'name="revision" value="1"', form)
