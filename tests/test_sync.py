"""`POST /api/v1/visits/sync`: every status, every rejection with its Spanish message, exactly once."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Visit
from fieldwork.models.visit_record import ReviewEvent, VisitRevision
from fieldwork.visits import sync
from tests.builders import make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import form_token, login

SYNC = "/api/v1/visits/sync"


def visit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Visit))


def stored(visit_id: str) -> Visit:
    db.session.expire_all()
    return db.session.get(Visit, visit_id)


def send(client, *visits):
    response = client.post(SYNC, json={"visits": list(visits)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


@pytest.fixture
def officer(app):
    return make_user("officer", username="marta")


@pytest.fixture
def mipyme(officer):
    return make_mipyme(officer, name="Mochilas Wayuu")


@pytest.fixture
def officer_client(client, officer):
    login(client, officer)
    return client


def test_new_visit_is_created_with_its_fields(officer_client, officer, mipyme):
    visit = visit_payload(mipyme.id, location={"lat": 10.4631, "lon": -73.2532, "accuracy_m": 12.5},
                          follow_up_due=(datetime.now(UTC) + timedelta(days=20)).date().isoformat(),
                          follow_up_reason="Revisar crédito")
    assert send(officer_client, visit) == [{"id": visit["id"], "status": "created"}]
    row = stored(visit["id"])
    assert row.officer_id == officer.id and row.review_status == "submitted" and row.owner_confirmation == "pending"
    assert row.topics == ["comercializacion", "produccion"] and row.monthly_sales_cop == 4_500_000
    assert (row.latitude, row.longitude, row.accuracy_m) == (10.4631, -73.2532, 12.5)
    assert row.follow_up_reason == "Revisar crédito" and row.revision == 1
    body = officer_client.get(f"/api/v1/visits/{visit['id']}").get_json()
    assert body["location"] == {"lat": 10.4631, "lon": -73.2532, "accuracy_m": 12.5}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.created"))
    assert (entry.actor_id, entry.entity_type, entry.entity_id, entry.via) == (officer.id, "visit", visit["id"], "api")
    assert json.loads(entry.details) == {"revision": 1}


def test_an_edit_from_another_phone_moves_the_visit_to_that_phone(officer_client, mipyme):
    """The supervisor's same-device warning compares a link answer with the phone that last synced the
    visit, so an edit sent from the officer's new phone must move the visit there."""
    visit = visit_payload(mipyme.id)
    officer_client.post(SYNC, json={"visits": [visit]}, headers={"User-Agent": "Android 10; Moto G7"})
    first_phone = stored(visit["id"]).sync_device
    response = officer_client.post(SYNC, json={"visits": [{**visit, "employees": 6, "revision": 2}]},
                                   headers={"User-Agent": "Android 13; Galaxy A14"})
    assert response.get_json()["results"][0]["status"] == "updated"
    second_phone = stored(visit["id"]).sync_device
    assert first_phone is not None and second_phone is not None and second_phone != first_phone


def test_replayed_batch_creates_no_duplicate(officer_client, mipyme):
    batch = [visit_payload(mipyme.id) for _ in range(3)]
    assert [r["status"] for r in send(officer_client, *batch)] == ["created"] * 3
    for _ in range(3):
        assert [r["status"] for r in send(officer_client, *batch)] == ["duplicate"] * 3
    assert visit_count() == 3
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action.like("visit.%"))) == 3


def test_same_instant_written_with_another_offset_is_a_duplicate(officer_client, mipyme):
    visit = visit_payload(mipyme.id, visited_at="2026-03-05T10:30:00-05:00", notes="  Taller ordenado.  ")
    send(officer_client, visit)
    replay = {**visit, "visited_at": "2026-03-05T15:30:00Z", "notes": "Taller ordenado.",
              "topics": list(reversed(visit["topics"]))}
    assert send(officer_client, replay)[0]["status"] == "duplicate"


def test_visit_read_back_from_the_api_and_resent_is_a_duplicate(officer_client, mipyme):
    visit = visit_payload(mipyme.id, location={"lat": 10.5, "lon": -73.2, "accuracy_m": None})
    send(officer_client, visit)
    as_read = officer_client.get(f"/api/v1/visits/{visit['id']}").get_json()
    assert send(officer_client, as_read)[0]["status"] == "duplicate"


def test_edit_with_new_revision_updates_the_visit(officer_client, mipyme):
    visit = visit_payload(mipyme.id)
    send(officer_client, visit)
    edited = {**visit, "employees": 6, "revision": 2}
    assert send(officer_client, edited) == [{"id": visit["id"], "status": "updated"}]
    row = stored(visit["id"])
    assert row.employees == 6 and row.revision == 2
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "visit.updated")) == 1


def test_stale_revision_is_a_duplicate_and_changes_nothing(officer_client, mipyme):
    visit = visit_payload(mipyme.id, revision=3, employees=9)
    send(officer_client, visit)
    stale = {**visit, "revision": 2, "employees": 1}
    assert send(officer_client, stale)[0]["status"] == "duplicate"
    row = stored(visit["id"])
    assert row.employees == 9 and row.revision == 3


def test_returned_visit_goes_back_to_submitted_when_fixed(officer_client, officer, mipyme):
    visit = visit_payload(mipyme.id)
    send(officer_client, visit)
    row = stored(visit["id"])
    row.review_status, row.review_comment = "returned", "Falta el número de empleados"
    db.session.commit()
    assert send(officer_client, {**visit, "employees": 5, "revision": 2})[0]["status"] == "updated"
    assert stored(visit["id"]).review_status == "submitted"


def test_an_edit_is_audited_and_kept_with_its_author(officer_client, officer, mipyme):
    visit = visit_payload(mipyme.id)
    send(officer_client, visit)
    row = stored(visit["id"])
    row.review_status, row.owner_confirmation, row.confirmed_via = "returned", "confirmed", "account"
    db.session.commit()
    assert send(officer_client, {**visit, "employees": 5, "revision": 2})[0]["status"] == "updated"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.updated"))
    assert (entry.actor_id, entry.entity_type, entry.entity_id, entry.via) == (officer.id, "visit", visit["id"], "api")
    assert json.loads(entry.details) == {"revision": 2, "previous_revision": 1,
                                         "review_status": "returned→submitted",
                                         "owner_confirmation": "confirmed→pending"}
    revisions = db.session.scalars(select(VisitRevision.revision).where(VisitRevision.visit_id == visit["id"])
                                   .order_by(VisitRevision.id)).all()
    assert revisions == [1, 2]
    event = db.session.scalar(select(ReviewEvent).where(ReviewEvent.visit_id == visit["id"]))
    assert (event.kind, event.author_id) == ("resubmitted", officer.id)


def test_owner_confirmation_is_asked_again_after_an_edit(officer_client, mipyme):
    visit = visit_payload(mipyme.id)
    send(officer_client, visit)
    row = stored(visit["id"])
    row.owner_confirmation, row.confirmed_at, row.confirmed_via = "confirmed", datetime.now(UTC), "account"
    db.session.commit()
    send(officer_client, {**visit, "notes": "Corregido", "revision": 2})
    assert stored(visit["id"]).owner_confirmation == "pending"


def test_approved_visit_refuses_edits_but_accepts_replays(officer_client, mipyme):
    visit = visit_payload(mipyme.id)
    send(officer_client, visit)
    stored(visit["id"]).review_status = "approved"
    db.session.commit()
    assert send(officer_client, visit)[0]["status"] == "duplicate"
    result = send(officer_client, {**visit, "employees": 50, "revision": 2})[0]
    assert result["status"] == "rejected"
    assert result["errors"] == {"review_status": ["La visita ya fue aprobada y no se puede modificar."]}
    assert stored(visit["id"]).employees == 4


def test_id_of_another_officers_visit_is_rejected(officer_client, mipyme):
    other = make_user("officer")
    theirs = make_visit(make_mipyme(other), other)
    result = send(officer_client, visit_payload(mipyme.id, id=theirs.id))[0]
    assert result == {"id": theirs.id, "status": "rejected",
                      "errors": {"id": ["Este identificador pertenece a una visita de otro funcionario."]}}
    assert stored(theirs.id).mipyme_id != mipyme.id


def _days(n: int) -> str:
    return (datetime.now(UTC) + timedelta(days=n)).isoformat()


RULE_CASES = {
    "unassigned": lambda officer: {"mipyme_id": make_mipyme(make_user("officer")).id},
    "inactive": lambda officer: {"mipyme_id": make_mipyme(officer, active=False).id},
    "missing": lambda officer: {"mipyme_id": 999_999},
    "future": lambda officer: {"visited_at": (datetime.now(UTC) + timedelta(minutes=30)).isoformat()},
    "before_enrolment": lambda officer: {"visited_at": "2024-12-30T12:00:00-05:00"},
    "follow_up_before_visit": lambda officer: {"visited_at": _days(-3), "follow_up_due": _days(-10)[:10]},
}


@pytest.mark.parametrize("case, field, message", [
    ("unassigned", "mipyme_id", "Esta Mipyme no estaba asignada a usted en la fecha de la visita."),
    ("inactive", "mipyme_id", "La Mipyme estaba inactiva en la fecha de la visita; no se pueden registrar visitas."),
    ("missing", "mipyme_id", "La Mipyme no existe."),
    ("future", "visited_at", "La fecha de la visita está en el futuro; revise la hora del teléfono."),
    # registered 2025-01-01T00:00Z, which is still 2024-12-31 in Bogotá: it enrolled that day
    ("before_enrolment", "visited_at", "La visita es anterior al ingreso de la Mipyme al programa (31 dic 2024)."),
    ("follow_up_before_visit", "follow_up_due", "El seguimiento no puede ser anterior a la fecha de la visita."),
])
def test_rule_breaking_visit_is_rejected_with_spanish_message(officer_client, officer, mipyme, *, case, field,
                                                               message):
    visit = {**visit_payload(mipyme.id), **RULE_CASES[case](officer)}
    result = send(officer_client, visit)[0]
    assert result == {"id": visit["id"], "status": "rejected", "errors": {field: [message]}}
    assert visit_count() == 0


SERVER_NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("ahead, status", [
    (timedelta(minutes=5), "created"),
    (timedelta(minutes=10), "created"),  # a phone up to 10 minutes fast is believed
    (timedelta(minutes=10, seconds=1), "rejected"),
    (timedelta(minutes=25), "rejected"),
])
def test_phone_clock_may_run_at_most_ten_minutes_fast(app, officer_client, mipyme, ahead, status):
    app.config["FIELDWORK_CLOCK"] = lambda: SERVER_NOW
    result = send(officer_client, visit_payload(mipyme.id, visited_at=(SERVER_NOW + ahead).isoformat()))[0]
    assert result["status"] == status
    if status == "rejected":
        assert list(result["errors"]) == ["visited_at"]


@pytest.mark.parametrize("follow_up_due, status", [
    ("2026-03-01", "created"),   # the visit's day in Bogotá, though UTC already says 2 March
    ("2026-02-28", "rejected"),
])
def test_follow_up_is_compared_with_the_bogota_day_of_the_visit(app, officer_client, mipyme, follow_up_due,
                                                                status):
    app.config["FIELDWORK_CLOCK"] = lambda: SERVER_NOW
    # 21:30 on 1 March in Bogotá, sent in UTC as a phone may: the rule must convert it, not read its date.
    visit = visit_payload(mipyme.id, visited_at="2026-03-02T02:30:00+00:00", follow_up_due=follow_up_due)
    result = send(officer_client, visit)[0]
    assert result["status"] == status
    if status == "rejected":
        assert result["errors"] == {"follow_up_due": ["El seguimiento no puede ser anterior a la fecha de la visita."]}


@pytest.mark.parametrize("fields, field, message", [
    ({"id": "not-a-uuid"}, "id", "Identificador UUID no válido."),
    ({"mipyme_id": "uno"}, "mipyme_id", "Debe ser un número entero."),
    ({"mipyme_id": True}, "mipyme_id", "Debe ser un número entero."),
    ({"mipyme_id": 2**40}, "mipyme_id", "menor o igual que 2147483647"),
    ({"visited_at": "2026-03-05T10:30:00"}, "visited_at", "deben incluir la zona horaria"),
    ({"visited_at": "ayer"}, "visited_at", "Fecha y hora no válidas"),
    ({"visited_at": "9999-12-31T23:59:59-05:00"}, "visited_at", "Fecha fuera del rango admitido"),
    ({"topics": ["pesca"]}, "topics", "Tema desconocido."),
    ({"topics": ["produccion", "produccion"]}, "topics", "No repita temas."),
    ({"topics": "produccion"}, "topics", "Debe ser una lista."),
    ({"production_units": -1}, "production_units", "mayor o igual que 0"),
    ({"production_units": 2**63}, "production_units", "menor o igual que 10000000"),
    ({"employees": 10**30}, "employees", "menor o igual que 10000000"),
    ({"employees": 2.5}, "employees", "Debe ser un número entero."),
    ({"employees": "2.5"}, "employees", "Debe ser un número entero."),
    ({"employees": True}, "employees", "Debe ser un número entero."),
    ({"monthly_sales_cop": 10**20}, "monthly_sales_cop", "menor o igual que 10000000000000"),
    ({"monthly_sales_cop": 1e400}, "monthly_sales_cop", "El número es demasiado grande."),
    ({"revision": 0}, "revision", "mayor o igual que 1"),
    ({"revision": 2**31}, "revision", "menor o igual que 1000000"),
    ({"notes": "x" * 2001}, "notes", "como máximo 2000 caracteres"),
    ({"needs": "x" * 2001}, "needs", "como máximo 2000 caracteres"),
    ({"follow_up_reason": "x" * 501}, "follow_up_reason", "como máximo 500 caracteres"),
    ({"follow_up_due": "31/12/2026"}, "follow_up_due", "Fecha no válida"),
    ({"location": {"lat": 91, "lon": 0}}, "location", "lat: Debe ser mayor o igual que -90"),
    ({"location": {"lat": 10}}, "location", "lon: Falta este dato obligatorio."),
    ({"colour": "rojo"}, "colour", "Campo desconocido."),
])
def test_invalid_field_is_rejected_not_stored(officer_client, mipyme, fields, field, message):
    visit = {**visit_payload(mipyme.id), **fields}
    result = send(officer_client, visit)[0]
    assert result["status"] == "rejected"
    assert message in " ".join(result["errors"][field]), result["errors"]
    assert visit_count() == 0


def test_texts_are_stored_trimmed_and_blank_ones_as_missing(officer_client, mipyme):
    """A note of spaces is no note: pages and exports show "—", not an empty line."""
    visit = visit_payload(mipyme.id, needs="  Capital de trabajo \n", notes="   ", follow_up_reason=" Crédito ")
    assert send(officer_client, visit)[0]["status"] == "created"
    row = stored(visit["id"])
    assert (row.needs, row.notes, row.follow_up_reason) == ("Capital de trabajo", None, "Crédito")


def test_a_refused_id_is_echoed_at_most_64_characters_long(officer_client, mipyme):
    result = send(officer_client, {**visit_payload(mipyme.id), "id": "v" * 100})[0]
    assert result["status"] == "rejected" and result["id"] == "v" * 64


def test_missing_required_fields_are_named(officer_client):
    result = send(officer_client, {"notes": "sin nada más"})[0]
    assert result["status"] == "rejected" and result["id"] is None
    for field in ("id", "mipyme_id", "visited_at", "topics"):
        assert result["errors"][field] == ["Falta este dato obligatorio."]


def test_batch_with_one_bad_visit_stores_the_good_ones_in_order(officer_client, mipyme):
    good1, good2 = visit_payload(mipyme.id), visit_payload(mipyme.id)
    bad = visit_payload(mipyme.id, employees=-4)
    results = send(officer_client, good1, bad, "no soy una visita", good2)
    assert [r["status"] for r in results] == ["created", "rejected", "rejected", "created"]
    assert [r["id"] for r in results] == [good1["id"], bad["id"], None, good2["id"]]
    assert results[2]["errors"] == {"_schema": ["Cada visita debe ser un objeto JSON."]}
    assert visit_count() == 2


@pytest.mark.parametrize("changes, statuses, employees", [
    ({}, ["created", "duplicate"], 4),
    ({"employees": 7, "revision": 2}, ["created", "updated"], 7),
    ({"employees": 7, "revision": 1}, ["created", "updated"], 7),
])
def test_same_id_twice_in_one_batch_behaves_like_two_sends(officer_client, mipyme, changes, statuses, employees):
    visit = visit_payload(mipyme.id)
    results = send(officer_client, visit, {**visit, **changes})
    assert [r["status"] for r in results] == statuses
    assert visit_count() == 1 and stored(visit["id"]).employees == employees


def test_newer_revision_first_then_older_in_one_batch_keeps_the_newer(officer_client, mipyme):
    visit = visit_payload(mipyme.id, revision=2, employees=8)
    results = send(officer_client, visit, {**visit, "revision": 1, "employees": 3})
    assert [r["status"] for r in results] == ["created", "duplicate"]
    assert stored(visit["id"]).employees == 8


def test_insert_that_loses_a_race_answers_duplicate(officer_client, officer, mipyme, monkeypatch):
    """The unique key decides: a row stored after our read makes the insert fail, and the batch
    is decided again against it (simulated by hiding the row from the first read)."""
    visit = visit_payload(mipyme.id)
    send(officer_client, visit)
    real_load = sync._load_stored
    calls = []

    def first_read_misses(ids):
        calls.append(ids)
        return {} if len(calls) == 1 else real_load(ids)

    monkeypatch.setattr(sync, "_load_stored", first_read_misses)
    other = visit_payload(mipyme.id)
    results = send(officer_client, other, visit)
    assert [r["status"] for r in results] == ["created", "duplicate"]
    assert len(calls) == 2 and visit_count() == 2


def test_more_than_500_visits_is_refused_whole(officer_client, mipyme):
    batch = [visit_payload(mipyme.id) for _ in range(501)]
    response = officer_client.post(SYNC, json={"visits": batch})
    assert response.status_code == 413
    assert "como máximo 500 visitas" in response.get_json()["errors"]["visits"][0]
    assert visit_count() == 0


def test_500_visits_are_accepted(officer_client, mipyme):
    results = send(officer_client, *[visit_payload(mipyme.id) for _ in range(500)])
    assert len(results) == 500 and {r["status"] for r in results} == {"created"}


@pytest.mark.parametrize("body, field", [
    ([{"id": "x"}], "_schema"),
    ("visits", "_schema"),
    ({"visits": {"id": "x"}}, "visits"),
    ({}, "visits"),
])
def test_malformed_body_is_a_400_with_field_errors(officer_client, body, field):
    response = officer_client.post(SYNC, json=body)
    assert response.status_code == 400
    assert response.get_json()["errors"][field]


def test_missing_csrf_header_is_refused_and_nothing_stored(officer_client, mipyme):
    response = officer_client.post(SYNC, json={"visits": [visit_payload(mipyme.id)]}, csrf=False)
    assert response.status_code == 400
    assert visit_count() == 0


@pytest.mark.parametrize("role", ["supervisor", "owner", "admin"])
def test_only_officers_can_sync(make_client, mipyme, role):
    client = make_client()
    login(client, make_user(role, mipyme=mipyme if role == "owner" else None))
    response = client.post(SYNC, json={"visits": [visit_payload(mipyme.id)]})
    assert response.status_code == 403 and visit_count() == 0


def test_anonymous_sync_gets_401_json(client, mipyme):
    # A valid CSRF token (from the login page) but no session: the answer is "log in", not a CSRF 400.
    client.csrf_token = form_token(client, "/login")
    response = client.post(SYNC, json={"visits": [visit_payload(mipyme.id)]})
    assert response.status_code == 401 and response.is_json
    assert "error" in response.get_json()
    assert visit_count() == 0


def test_uppercase_uuid_is_the_same_visit(officer_client, mipyme):
    visit = visit_payload(mipyme.id, id=str(uuid.uuid4()).upper())
    assert send(officer_client, visit)[0] == {"id": visit["id"], "status": "created"}  # echoed as sent
    assert send(officer_client, {**visit, "id": visit["id"].lower()})[0]["status"] == "duplicate"
    assert visit_count() == 1


def test_body_over_the_request_limit_is_413_json_and_stores_nothing(app, officer_client, mipyme):
    app.config["MAX_CONTENT_LENGTH"] = 4_000
    batch = [visit_payload(mipyme.id, notes="x" * 1500) for _ in range(4)]
    response = officer_client.post(SYNC, json={"visits": batch})
    assert response.status_code == 413 and response.is_json
    assert visit_count() == 0
