"""`enrolled_on` through the API and the registry page, and the history on the supervisor's Mipyme page."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import Mipyme, MipymeHistory
from tests.builders import make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import form_token, login

# 21:00 in Bogotá on 2026-03-11 is already the 12th in UTC: "today" must be the 11th.
NOW = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock(app):
    app.config["FIELDWORK_CLOCK"] = lambda: NOW


@pytest.fixture
def officer(app):
    return make_user("officer", username="marta", name="Marta Arias")


@pytest.fixture
def supervisor_client(client):
    login(client, make_user("supervisor", username="ana", name="Ana Supervisora"))
    return client


def test_api_sets_enrolled_on_and_returns_it_in_items(supervisor_client, officer):
    response = supervisor_client.post("/api/v1/mipymes", json={
        "name": "Tejidos Kankuamos", "sector": "artesanias", "officer_id": officer.id, "enrolled_on": "2025-11-03"})
    assert response.status_code == 201
    created = response.get_json()
    assert created["enrolled_on"] == "2025-11-03"
    listed = supervisor_client.get("/api/v1/mipymes").get_json()["items"]
    assert [item["enrolled_on"] for item in listed] == ["2025-11-03"]
    assert supervisor_client.get(f"/api/v1/mipymes/{created['id']}").get_json()["enrolled_on"] == "2025-11-03"
    patched = supervisor_client.patch(f"/api/v1/mipymes/{created['id']}", json={"enrolled_on": "2025-10-01"})
    assert patched.status_code == 200 and patched.get_json()["enrolled_on"] == "2025-10-01"


def test_api_enrolment_defaults_to_the_bogota_day_it_is_registered(supervisor_client):
    response = supervisor_client.post("/api/v1/mipymes", json={"name": "Hoy", "sector": "otro", "officer_id": None})
    assert response.status_code == 201
    assert response.get_json()["enrolled_on"] == "2026-03-11"


@pytest.mark.parametrize("enrolled_on, message", [
    ("2026-03-12", "La fecha de ingreso no puede ser posterior a hoy."),
    ("12/03/2026", "Fecha no válida (use AAAA-MM-DD)."),
    (None, "Este dato no puede ser nulo."),
])
def test_api_refuses_a_bad_enrolment_day_in_spanish_and_stores_nothing(supervisor_client, enrolled_on, message):
    response = supervisor_client.post("/api/v1/mipymes", json={
        "name": "X", "sector": "otro", "officer_id": None, "enrolled_on": enrolled_on})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"enrolled_on": [message]}
    assert db.session.scalar(select(Mipyme)) is None


def test_enrolment_cannot_move_after_a_visit_already_recorded(supervisor_client, officer):
    mipyme = make_mipyme(officer, enrolled_on=date(2026, 1, 5))
    make_visit(mipyme, visited_at=datetime(2026, 2, 10, 2, 0, tzinfo=UTC))  # the 9th in Bogotá
    response = supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"enrolled_on": "2026-02-10"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"enrolled_on": [
        "La Mipyme tiene visitas desde el 2026-02-09; la fecha de ingreso no puede ser posterior."]}
    same_day = supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"enrolled_on": "2026-02-09"})
    assert same_day.status_code == 200


def test_api_reassignment_is_kept_and_judges_later_syncs(supervisor_client, make_client, officer):
    jose = make_user("officer", username="jose")
    mipyme = make_mipyme(officer, enrolled_on=date(2026, 1, 5))
    assert supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"officer_id": jose.id}).status_code == 200
    history = db.session.execute(select(MipymeHistory.effective_at, MipymeHistory.officer_id)
                                 .order_by(MipymeHistory.id)).all()
    assert history == [(None, officer.id), (NOW, jose.id)]

    marta_phone = make_client()
    login(marta_phone, officer)
    made_offline = visit_payload(mipyme.id, visited_at=(NOW - timedelta(hours=3)).isoformat())
    result = marta_phone.post("/api/v1/visits/sync", json={"visits": [made_offline]}).get_json()["results"][0]
    assert result["status"] == "created"


def test_registry_page_offers_the_enrolment_day_with_today_filled_in(supervisor_client):
    page = supervisor_client.get("/mipymes/new").get_data(as_text=True)
    assert '<label for="enrolled_on">Fecha de ingreso al programa</label>' in page
    assert 'name="enrolled_on" type="date" value="2026-03-11"' in page


def test_registry_page_stores_the_enrolment_day(supervisor_client, officer):
    token = form_token(supervisor_client, "/mipymes/new")
    response = supervisor_client.post("/mipymes/new", data={
        "csrf_token": token, "name": "Panadería El Ancla", "sector": "alimentos", "officer_id": str(officer.id),
        "enrolled_on": "2025-12-01"})
    assert response.status_code == 302
    mipyme = db.session.scalar(select(Mipyme))
    assert mipyme.enrolled_on == date(2025, 12, 1)
    edit = supervisor_client.get(f"/mipymes/{mipyme.id}/edit").get_data(as_text=True)
    assert 'value="2025-12-01"' in edit


@pytest.mark.parametrize("value, message", [
    ("01/12/2025", "Fecha no válida: use el formato AAAA-MM-DD."),
    ("2026-03-12", "La fecha de ingreso no puede ser posterior a hoy."),
])
def test_registry_page_shows_a_spanish_message_beside_a_bad_enrolment_day(supervisor_client, value, message):
    token = form_token(supervisor_client, "/mipymes/new")
    response = supervisor_client.post("/mipymes/new", data={
        "csrf_token": token, "name": "X", "sector": "otro", "officer_id": "", "enrolled_on": value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="enrolled_on-error">{message}</p>' in page
    assert 'aria-describedby="enrolled_on-error" aria-invalid="true" id="enrolled_on"' in page
    assert db.session.scalar(select(Mipyme)) is None


def test_supervisor_page_shows_who_was_assigned_when(supervisor_client, officer):
    jose = make_user("officer", username="jose", name="José Oñate")
    mipyme = make_mipyme(officer, name="Mochilas Wayuu", enrolled_on=date(2026, 1, 5))
    supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"officer_id": jose.id})
    token = form_token(supervisor_client, "/mipymes")
    supervisor_client.post(f"/mipymes/{mipyme.id}/active", data={"csrf_token": token})  # deactivated by the page

    page = supervisor_client.get(f"/supervision/mipymes/{mipyme.id}").get_data(as_text=True)
    history = page[page.index("data-mipyme-history"):page.index("</ol>", page.index("data-mipyme-history"))]
    lines = [" ".join(line.split()) for line in history.split("<li>")[1:]]
    assert lines[0].startswith("<strong>5 ene 2026</strong>: ingresa al programa, asignada a Marta Arias")
    assert lines[1].startswith("<strong>11 mar 2026, 21:00</strong>: asignada a José Oñate")
    assert "(por Ana Supervisora)" in lines[1]
    assert lines[2].startswith("<strong>11 mar 2026, 21:00</strong>: desactivada")
    assert len(lines) == 3
