"""A Mipyme's status in the programme (PATCH status, the edit page's form, the history on its pages and
the `status` filter), and the UVT table (GET/POST /api/v1/uvt and the admin's page)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Mipyme, MipymeStatusChange, UvtValue
from fieldwork.registry.status import status_entries
from tests.builders import make_mipyme, make_user
from tests.conftest import form_token, login

# 21:00 in Bogotá on 2026-03-11 is already the 12th in UTC: "today" is the 11th.
NOW = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock(app):
    app.config["FIELDWORK_CLOCK"] = lambda: NOW


@pytest.fixture
def supervisor_client(client):
    login(client, make_user("supervisor", username="ana", name="Ana Supervisora"))
    return client


@pytest.fixture
def mipyme(app):
    return make_mipyme(name="Cerámica Atánquez", enrolled_on=date(2025, 6, 1))


def _history(mipyme):
    return [(s.status, s.effective_on, s.reason) for s in status_entries(mipyme)]


def test_a_status_change_is_kept_with_its_day_and_reason_and_sets_the_exit_day(supervisor_client, mipyme):
    path = f"/api/v1/mipymes/{mipyme.id}"
    graduated = supervisor_client.patch(path, json={"status": "graduated", "status_on": "2026-02-27",
                                                    "status_reason": "Cumplió el plan de trabajo"})
    assert graduated.status_code == 200
    assert (graduated.get_json()["status"], graduated.get_json()["exited_on"]) == ("graduated", "2026-02-27")
    moved = supervisor_client.patch(path, json={"status": "moved", "status_on": "2026-03-01"}).get_json()
    assert (moved["status"], moved["exited_on"]) == ("moved", "2026-02-27")  # it left the programme in February
    back = supervisor_client.patch(path, json={"status": "active"}).get_json()  # status_on: today in Bogotá
    assert (back["status"], back["exited_on"]) == ("active", None)
    assert _history(mipyme) == [("active", date(2025, 6, 1), ""),
                                ("graduated", date(2026, 2, 27), "Cumplió el plan de trabajo"),
                                ("moved", date(2026, 3, 1), ""), ("active", date(2026, 3, 11), "")]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mipyme.status_changed").limit(1))
    assert entry.via == "api"


def test_the_same_status_again_changes_nothing(supervisor_client, mipyme):
    response = supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"status": "active"})
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(MipymeStatusChange)) == 0


@pytest.mark.parametrize("body, field, message", [
    ({"status": "closed", "status_on": "2026-03-12"}, "status_on", "no puede ser posterior a hoy"),
    ({"status": "closed", "status_on": "2025-05-31"}, "status_on", "anterior al ingreso al programa (2025-06-01)"),
    ({"status": "quebrada"}, "status", "Estado desconocido"),
    ({"status": "closed", "status_reason": "x" * 501}, "status_reason", "admite hasta 500 caracteres"),
    ({"status": "closed", "status_on": "11/03/2026"}, "status_on", "Fecha no válida"),
])
def test_a_refused_status_change_is_told_in_spanish_and_nothing_changes(supervisor_client, mipyme, body, field,
                                                                        message):
    response = supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json=body)
    assert response.status_code == 400 and message in response.get_json()["errors"][field][0]
    db.session.expire_all()
    assert (mipyme.status, mipyme.exited_on) == ("active", None)
    assert db.session.scalar(select(func.count()).select_from(MipymeStatusChange)) == 0


def test_a_change_cannot_be_dated_before_the_previous_one(supervisor_client, mipyme):
    path = f"/api/v1/mipymes/{mipyme.id}"
    assert supervisor_client.patch(path, json={"status": "closed", "status_on": "2026-03-01"}).status_code == 200
    refused = supervisor_client.patch(path, json={"status": "active", "status_on": "2026-02-01"})
    assert refused.status_code == 400
    assert refused.get_json()["errors"]["status_on"] == ["El estado ya cambió el 2026-03-01; la fecha no puede "
                                                         "ser anterior."]


def test_only_supervisors_and_admins_change_a_status(make_client, mipyme):
    officer = make_user("officer")
    mipyme.officer_id = officer.id
    db.session.commit()
    for user, expected in [(officer, 403), (make_user("owner", mipyme=mipyme), 403), (make_user("admin"), 200)]:
        caller = make_client()
        login(caller, user)
        assert caller.patch(f"/api/v1/mipymes/{mipyme.id}", json={"status": "closed"}).status_code == expected


def test_a_new_mipyme_starts_active_from_its_enrolment_and_cannot_start_otherwise(supervisor_client):
    body = {"name": "Nueva", "sector": "alimentos", "officer_id": None, "enrolled_on": "2026-01-10"}
    created = supervisor_client.post("/api/v1/mipymes", json=body).get_json()
    assert (created["status"], created["exited_on"]) == ("active", None)
    assert _history(db.session.get(Mipyme, created["id"])) == [("active", date(2026, 1, 10), "")]
    refused = supervisor_client.post("/api/v1/mipymes", json={**body, "name": "Otra", "status": "closed"})
    assert refused.status_code == 400 and "ingresa activa" in refused.get_json()["errors"]["status"][0]


def test_the_list_filters_by_status(supervisor_client, mipyme):
    make_mipyme(name="Sigue activa")
    supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"status": "closed"})
    names = [i["name"] for i in supervisor_client.get("/api/v1/mipymes?status=closed").get_json()["items"]]
    assert names == ["Cerámica Atánquez"]
    assert supervisor_client.get("/api/v1/mipymes?status=cerrada").status_code == 400


def test_the_edit_page_changes_the_status_and_shows_its_history(supervisor_client, mipyme):
    path = f"/mipymes/{mipyme.id}/edit"
    token = form_token(supervisor_client, path)
    response = supervisor_client.post(f"/mipymes/{mipyme.id}/status", data={
        "csrf_token": token, "status": "closed", "status_on": "2026-03-02", "status_reason": "Cerró el local"})
    assert response.status_code == 302
    page = supervisor_client.get(path).get_data(as_text=True)
    assert 'data-mipyme-status="closed"' in page and "Cerró el local" in page and "por Ana Supervisora" in page
    refused = supervisor_client.post(f"/mipymes/{mipyme.id}/status", data={
        "csrf_token": token, "status": "active", "status_on": "2026-04-01"})
    assert refused.status_code == 400 and "no puede ser posterior a hoy" in refused.get_data(as_text=True)
    listed = supervisor_client.get("/mipymes").get_data(as_text=True)
    assert 'data-status="closed"' in listed


def test_the_status_page_refuses_other_roles_and_a_missing_token(make_client, mipyme):
    for role in ("officer", "owner"):
        caller = make_client()
        login(caller, make_user(role, mipyme=mipyme if role == "owner" else None))
        assert caller.post(f"/mipymes/{mipyme.id}/status", data={"status": "closed"}).status_code == 403
    supervisor = make_client()
    login(supervisor, make_user("supervisor"))
    assert supervisor.post(f"/mipymes/{mipyme.id}/status", data={"status": "closed"}, csrf=False).status_code == 400
    db.session.expire_all()
    assert mipyme.status == "active"


@pytest.fixture
def uvt_table(app):
    """The years migration 0013 seeds (the tests empty every table between tests)."""
    db.session.add_all([UvtValue(year=y, value_cop=v) for y, v in {2024: 47065, 2025: 49799, 2026: 52374}.items()])
    db.session.commit()


def test_an_admin_adds_next_years_uvt_and_others_only_read_it(make_client, uvt_table):
    admin = make_client()
    login(admin, make_user("admin"))
    assert [i["year"] for i in admin.get("/api/v1/uvt").get_json()["items"]] == [2026, 2025, 2024]
    created = admin.post("/api/v1/uvt", json={"year": 2027, "value_cop": 55000})
    assert created.status_code == 201 and created.get_json() == {"year": 2027, "value_cop": 55000}
    for body, field, message in [({"year": 2027, "value_cop": 1}, "year", "ya está registrada"),
                                 ({"year": 2028, "value_cop": 55000}, "year", "entre 2006 y 2027"),
                                 ({"year": 2005, "value_cop": 55000}, "year", "entre 2006 y 2027"),
                                 ({"year": 2020, "value_cop": 0}, "value_cop", "entre 1 y 10.000.000"),
                                 ({"year": "2020", "value_cop": 1}, "year", "número entero")]:
        response = admin.post("/api/v1/uvt", json=body)
        assert response.status_code == 400 and message in response.get_json()["errors"][field][0], body
    supervisor = make_client()
    login(supervisor, make_user("supervisor"))
    assert supervisor.get("/api/v1/uvt").get_json()["total"] == 4
    assert supervisor.post("/api/v1/uvt", json={"year": 2020, "value_cop": 35607}).status_code == 403
    officer = make_client()
    login(officer, make_user("officer"))
    assert officer.get("/api/v1/uvt").status_code == 403
    assert db.session.get(UvtValue, 2020) is None and db.session.get(UvtValue, 2027).value_cop == 55000


def test_the_uvt_page_takes_pesos_as_colombians_write_them(make_client, uvt_table):
    admin = make_client()
    login(admin, make_user("admin"))
    assert "$ 52.374" in admin.get("/admin/uvt").get_data(as_text=True).replace("\xa0", " ")
    token = form_token(admin, "/admin/uvt")
    added = admin.post("/admin/uvt", data={"csrf_token": token, "year": "2027", "value_cop": "55.000"})
    assert added.status_code == 302
    assert db.session.get(UvtValue, 2027).value_cop == 55000
    refused = admin.post("/admin/uvt", data={"csrf_token": token, "year": "2027", "value_cop": "55,5"})
    assert refused.status_code == 400 and "sin coma ni decimales" in refused.get_data(as_text=True)
    supervisor = make_client()
    login(supervisor, make_user("supervisor"))
    assert supervisor.get("/admin/uvt").status_code == 403


def test_enrolment_cannot_move_after_a_status_change(supervisor_client, mipyme):
    path = f"/api/v1/mipymes/{mipyme.id}"
    supervisor_client.patch(path, json={"status": "withdrawn", "status_on": "2025-09-15"})
    refused = supervisor_client.patch(path, json={"enrolled_on": "2025-10-01"})
    assert refused.status_code == 400
    assert refused.get_json()["errors"]["enrolled_on"] == [
        "El estado de la Mipyme cambió el 2025-09-15; la fecha de ingreso no puede ser posterior."]
    assert supervisor_client.patch(path, json={"enrolled_on": "2025-09-15"}).status_code == 200


def test_the_supervisors_history_lists_the_status_changes_when_given(app, supervisor_client, mipyme):
    from flask import render_template

    supervisor_client.patch(f"/api/v1/mipymes/{mipyme.id}", json={"status": "closed", "status_on": "2026-03-02",
                                                                  "status_reason": "Cerró el local"})
    with app.test_request_context():
        html = render_template("supervision/_mipyme_history.html", history=[], status_history=status_entries(mipyme))
    assert "data-status-history" in html and "Cerró el local" in html and "por Ana Supervisora" in html
