"""Issue 9 item 6: the supervisor sees what changed between revisions and every review decision, the
visit log marks corrected visits, and a resolved dispute has an outcome the owner sees."""
from __future__ import annotations

import re

import pytest

from fieldwork import confirmation_links as links
from fieldwork.extensions import db
from fieldwork.models import Visit
from tests.builders import make_mipyme, make_user, visit_payload
from tests.conftest import login


@pytest.fixture
def world(app, make_client):
    officer = make_user("officer", name="Ana Arzuaga")
    supervisor = make_user("supervisor", name="Rosa Maestre")
    mipyme = make_mipyme(officer, name="Quesos El Copey")
    clients = {"officer": make_client(), "supervisor": make_client(), "owner": make_client()}
    login(clients["officer"], officer)
    login(clients["supervisor"], supervisor)
    login(clients["owner"], make_user("owner", mipyme=mipyme))
    payload = visit_payload(mipyme.id, employees=4, monthly_sales_cop=4_500_000, notes="Primera versión.")
    assert _sync(clients["officer"], payload) == "created"
    return {"clients": clients, "payload": payload, "mipyme": mipyme, "id": payload["id"]}


def _sync(client, payload) -> str:
    return client.post("/api/v1/visits/sync", json={"visits": [payload]}).get_json()["results"][0]["status"]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _review(world, decision, comment=None, revision=1):
    body = {"decision": decision, "revision": revision, **({"comment": comment} if comment else {})}
    return world["clients"]["supervisor"].post(f"/api/v1/visits/{world['id']}/review", json=body)


def test_supervisor_sees_each_changed_field_old_and_new(world):
    assert _review(world, "returned", "Revise los empleados.").status_code == 200
    corrected = {**world["payload"], "employees": 40, "monthly_sales_cop": 5_200_000, "revision": 2}
    assert _sync(world["clients"]["officer"], corrected) == "updated"
    html = _text(world["clients"]["supervisor"].get(f"/supervision/visits/{world['id']}"))
    assert "Revisión 1 → 2" in html
    assert re.search(r"Empleados</th><td[^>]*><del>4</del></td><td[^>]*><ins>40</ins>", html)
    assert re.search(r"Ventas mensuales</th><td[^>]*><del>\$\s?4\.500\.000</del></td>"
                     r"<td[^>]*><ins>\$\s?5\.200\.000", html)
    assert "Notas</th>" not in html.split("Cambios entre revisiones")[1].split("Historial")[0]  # unchanged field


def test_review_history_lists_each_return_resubmission_and_approval_with_author_and_comment(world):
    _review(world, "returned", "Faltan las ventas del mes.")
    _sync(world["clients"]["officer"], {**world["payload"], "notes": "Corregida.", "revision": 2})
    _review(world, "approved", "Listo.", revision=2)
    html = _text(world["clients"]["supervisor"].get(f"/supervision/visits/{world['id']}"))
    history = html.split("Historial de revisión")[1]
    returned = history.index("Devuelta al funcionario")
    resubmitted = history.index("Corregida y reenviada por el funcionario")
    approved = history.index("Aprobada")
    assert returned < resubmitted < approved
    assert "Faltan las ventas del mes." in history and "Listo." in history
    assert "Rosa Maestre" in history and "Ana Arzuaga" in history


def test_visit_log_marks_corrected_visits_only(world, make_client):
    other = visit_payload(world["mipyme"].id)
    _sync(world["clients"]["officer"], other)
    log = _text(world["clients"]["supervisor"].get("/supervision/visits"))
    assert "Corregida</span>" not in log
    _sync(world["clients"]["officer"], {**world["payload"], "notes": "Otra versión.", "revision": 2})
    log = _text(world["clients"]["supervisor"].get("/supervision/visits"))
    assert log.count("Corregida</span>") == 1
    # Edited on the phone before its first send: revision 2 arrives first, and is marked too.
    _sync(world["clients"]["officer"], visit_payload(world["mipyme"].id, revision=2))
    log = _text(world["clients"]["supervisor"].get("/supervision/visits"))
    assert log.count("Corregida</span>") == 2


def _dispute_and_resolve(world, outcome):
    owner = world["clients"]["owner"]
    assert owner.post(f"/api/v1/visits/{world['id']}/confirmation",
                      json={"decision": "disputed", "comment": "Somos 6 empleados, no 4."}).status_code == 200
    return world["clients"]["supervisor"].post(f"/api/v1/visits/{world['id']}/dispute-resolution",
                                               json={"note": "Llamé al propietario.", "outcome": outcome})


def test_owner_was_right_sends_the_visit_back_to_the_officer_with_both_words_signed(world):
    response = _dispute_and_resolve(world, "owner_right")
    assert response.status_code == 200
    body = response.get_json()
    # Issue 16 item 6: the owner's comment stays theirs; the supervisor's note is the instruction.
    assert (body["review_status"], body["owner_comment"], body["review_comment"], body["dispute_outcome"]) == (
        "returned", "Somos 6 empleados, no 4.", "Llamé al propietario.", "owner_right")
    officer_home = _text(world["clients"]["officer"].get("/visits/"))
    assert "Por corregir (1)" in officer_home and "Comentario de supervisión" not in officer_home
    assert re.search(r"El propietario escribió:</strong> <span[^>]*>Somos 6 empleados, no 4\.</span>", officer_home)
    assert re.search(r"Supervisión \(Rosa Maestre\) indica:</strong> <span[^>]*>Llamé al propietario\.</span>",
                     officer_home)
    home = _text(world["clients"]["owner"].get("/owner/"))
    assert "Supervisión le dio la razón" in home
    link = _text(world["clients"]["officer"].application.test_client().get(
        f"/c/{links.make_token(db.session.get(Visit, world['id']))}"))
    assert "Supervisión le dio la razón" in link
    # The officer corrects it: back to the supervisor, and the owner is asked about the new content.
    assert _sync(world["clients"]["officer"], {**world["payload"], "employees": 6, "revision": 2}) == "updated"
    db.session.expire_all()
    visit = db.session.get(Visit, world["id"])
    assert (visit.review_status, visit.owner_confirmation) == ("submitted", "pending")


def test_the_record_stands_keeps_the_visit_and_tells_the_owner(world):
    assert _dispute_and_resolve(world, "record_stands").status_code == 200
    db.session.expire_all()
    visit = db.session.get(Visit, world["id"])
    assert (visit.review_status, visit.owner_confirmation, visit.dispute_outcome) == (
        "submitted", "disputed", "record_stands")
    assert "el registro se mantiene" in _text(world["clients"]["owner"].get("/owner/"))
    page = _text(world["clients"]["supervisor"].get(f"/supervision/visits/{world['id']}"))
    assert "Disputa resuelta: el registro se mantiene" in page


def test_the_resolution_form_needs_an_outcome(world):
    world["clients"]["owner"].post(f"/api/v1/visits/{world['id']}/confirmation",
                                   json={"decision": "disputed", "comment": "No fue así."})
    sup = world["clients"]["supervisor"]
    page = f"/supervision/visits/{world['id']}"
    html = sup.get(page).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = sup.post(f"{page}/resolve", data={"csrf_token": token, "note": "Revisado.", "revision": "1"})
    assert response.status_code == 400
    assert "Elija si el propietario tiene razón o si el registro se mantiene." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Visit, world["id"]).dispute_resolved_at is None
