"""`POST /api/v1/visits/<id>/confirmation`: owners confirm or dispute their own business's visits."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Visit
from fieldwork.owners.confirmation import confirm_visit, confirmation_rates_by_officer, open_disputes
from fieldwork.supervision.services import resolve_dispute
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login


@pytest.fixture
def world(app):
    officer = make_user("officer", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    other = make_mipyme(officer, name="Arepas Doña Ana")
    return {
        "officer": officer,
        "mipyme": mipyme,
        "other": other,
        "visit": make_visit(mipyme, officer),
        "other_visit": make_visit(other, officer),
        "owner": make_user("owner", mipyme=mipyme),
    }


def _confirm(client, visit, **body):
    return client.post(f"/api/v1/visits/{visit.id}/confirmation", json=body)


def _state(visit_id):
    db.session.expire_all()
    return db.session.get(Visit, visit_id)


def _flags(client, mipyme):
    return client.get(f"/api/v1/mipymes/{mipyme.id}").get_json()["flags"]


def test_owner_confirms_their_visit_and_the_audit_log_says_so(client, world):
    login(client, world["owner"])
    response = _confirm(client, world["visit"], decision="confirmed")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == world["visit"].id and body["owner_confirmation"] == "confirmed"
    visit = _state(world["visit"].id)
    assert visit.confirmed_via == "account" and visit.confirmed_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.confirmed"))
    assert entry.actor_id == world["owner"].id and entry.entity_id == visit.id and entry.via == "api"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"decision": "disputed"}, "comment", "cuéntenos qué no es correcto"),
        ({"decision": "disputed", "comment": "   "}, "comment", "cuéntenos qué no es correcto"),
        ({"decision": "maybe"}, "decision", "Debe ser uno de"),
        ({}, "decision", "Falta este dato obligatorio"),
        ({"decision": "confirmed", "comment": "x" * 2001}, "comment", "como máximo 2000"),
        ({"decision": "confirmed", "extra": 1}, "extra", "Campo desconocido"),
    ],
)
def test_bad_bodies_get_spanish_field_errors_and_change_nothing(client, world, body, field, message):
    login(client, world["owner"])
    response = _confirm(client, world["visit"], **body)
    assert response.status_code == 400
    assert message in " ".join(response.get_json()["errors"][field])
    assert _state(world["visit"].id).owner_confirmation == "pending"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action.like("visit.%"))) is None


def test_owner_cannot_confirm_another_business_visit(client, world):
    login(client, world["owner"])
    assert _confirm(client, world["other_visit"], decision="confirmed").status_code == 404
    assert client.post("/api/v1/visits/no-such-visit/confirmation", json={"decision": "confirmed"}).status_code == 404
    assert _state(world["other_visit"].id).owner_confirmation == "pending"


@pytest.mark.parametrize("role", ["officer", "supervisor", "admin"])
def test_only_owners_may_confirm(client, world, role):
    user = world["officer"] if role == "officer" else make_user(role)
    login(client, user)
    assert _confirm(client, world["visit"], decision="confirmed").status_code == 403
    assert _state(world["visit"].id).owner_confirmation == "pending"


def test_without_csrf_header_nothing_changes(client, world):
    login(client, world["owner"])
    response = client.post(f"/api/v1/visits/{world['visit'].id}/confirmation", json={"decision": "confirmed"},
                           csrf=False)
    assert response.status_code == 400
    assert _state(world["visit"].id).owner_confirmation == "pending"


def test_decision_can_change_after_a_supervisor_approves(client, world):
    login(client, world["owner"])
    assert _confirm(client, world["visit"], decision="confirmed").status_code == 200
    response = _confirm(client, world["visit"], decision="disputed", comment="No vinieron ese día.")
    assert response.status_code == 200 and response.get_json()["owner_comment"] == "No vinieron ese día."
    visit = _state(world["visit"].id)
    visit.review_status = "approved"
    db.session.commit()
    # Issue 16 item 4: approval no longer ends the owner's say.
    response = _confirm(client, world["visit"], decision="confirmed")
    assert response.status_code == 200
    assert (_state(world["visit"].id).owner_confirmation, _state(world["visit"].id).review_status) == (
        "confirmed", "approved")
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "visit")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["visit.confirmed", "visit.disputed", "visit.confirmed"]


def test_repeating_the_same_answer_logs_nothing_new(client, world):
    login(client, world["owner"])
    for _ in range(3):
        assert _confirm(client, world["visit"], decision="confirmed").status_code == 200
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "visit.confirmed")).all()) == 1


def test_dispute_raises_the_flag_and_a_resolution_clears_it(client, world):
    login(client, world["owner"])
    assert "disputed" not in _flags(client, world["mipyme"])
    _confirm(client, world["visit"], decision="disputed", comment="Las ventas están mal anotadas.")
    assert "disputed" in _flags(client, world["mipyme"])
    listed = client.get("/api/v1/mipymes?flag=disputed").get_json()
    assert [item["id"] for item in listed["items"]] == [world["mipyme"].id]
    resolve_dispute(make_user("supervisor"), _state(world["visit"].id), "Se corrigió con el funcionario.",
                    "record_stands")
    db.session.commit()
    assert "disputed" not in _flags(client, world["mipyme"])
    # Disputing again re-opens it.
    response = _confirm(client, world["visit"], decision="disputed", comment="Sigue mal.")
    assert response.get_json()["dispute_resolved_at"] is None
    assert "disputed" in _flags(client, world["mipyme"])


def test_owner_sees_only_their_own_mipyme_in_the_api(client, world):
    login(client, world["owner"])
    items = client.get("/api/v1/mipymes").get_json()["items"]
    assert [item["id"] for item in items] == [world["mipyme"].id]
    assert client.get(f"/api/v1/mipymes/{world['other'].id}").status_code == 404


def test_officer_gets_a_share_link_for_their_own_visit_only(client, world):
    login(client, world["officer"])
    body = client.get(f"/api/v1/visits/{world['visit'].id}/confirmation-link").get_json()
    assert body["url"].startswith("http://localhost/c/")
    assert "Calzado Vallenato" in body["text"] and "Lucía Ramos" in body["text"]
    stranger = make_user("officer")
    mine = make_visit(make_mipyme(stranger), stranger)
    assert client.get(f"/api/v1/visits/{mine.id}/confirmation-link").status_code == 404


def test_owners_cannot_make_share_links(client, world):
    login(client, world["owner"])
    assert client.get(f"/api/v1/visits/{world['visit'].id}/confirmation-link").status_code == 403


def test_confirmation_rates_and_dispute_queue_are_counted_per_officer(app, world):
    second = make_user("officer", name="Mario Díaz")
    other_mipyme = make_mipyme(second)
    for _ in range(3):
        make_visit(other_mipyme, second)
    confirm_visit(world["visit"], "confirmed", None)
    confirm_visit(world["other_visit"], "disputed", "No hubo visita.", answered_via="link")
    db.session.commit()
    rates = {r.officer_name: r for r in confirmation_rates_by_officer()}
    assert (rates["Lucía Ramos"].visits, rates["Lucía Ramos"].confirmed, rates["Lucía Ramos"].disputed) == (2, 1, 1)
    assert rates["Lucía Ramos"].rate == 0.5
    assert (rates["Mario Díaz"].visits, rates["Mario Díaz"].pending, rates["Mario Díaz"].rate) == (3, 3, 0.0)
    queue = open_disputes(limit=20)
    assert [(d.visit_id, d.mipyme_name, d.owner_comment, d.answered_via) for d in queue] == [
        (world["other_visit"].id, "Arepas Doña Ana", "No hubo visita.", "link")
    ]


def test_two_officers_with_the_same_name_keep_their_own_confirmation_rates(app, world):
    namesake = make_user("officer", name="Lucía Ramos")  # a common name: the office has two
    make_visit(make_mipyme(namesake), namesake)
    confirm_visit(world["visit"], "confirmed", None)
    db.session.commit()
    rates = {r.officer_id: (r.officer_name, r.visits, r.confirmed) for r in confirmation_rates_by_officer()}
    assert rates == {world["officer"].id: ("Lucía Ramos", 2, 1), namesake.id: ("Lucía Ramos", 1, 0)}


def test_the_dispute_queue_is_oldest_dispute_first_a_page_at_a_time_with_what_the_card_shows(app, world):
    officer, mipyme = world["officer"], world["mipyme"]
    visited = datetime(2026, 2, 10, 15, 0, tzinfo=UTC)
    disputes = [make_visit(mipyme, officer, visited_at=visited, owner_confirmation="disputed",
                           owner_comment=f"Queja {n}", confirmed_via="account",
                           confirmed_at=datetime(2026, 3, 1, 12, n, tzinfo=UTC)) for n in (5, 1, 3)]
    first, second = open_disputes(limit=2), open_disputes(limit=2, offset=2)
    assert [d.owner_comment for d in first + second] == ["Queja 1", "Queja 3", "Queja 5"]
    tied = [make_visit(mipyme, officer, owner_confirmation="disputed", owner_comment="A la vez",
                       confirmed_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC)) for _ in range(3)]
    assert [d.visit_id for d in open_disputes(limit=3)] == sorted(v.id for v in tied)  # a tie: by id, stable pages
    card = first[0]
    assert (card.visit_id, card.visited_at, card.mipyme_id, card.mipyme_name, card.officer_id, card.officer_name,
            card.disputed_at) == (disputes[1].id, visited, mipyme.id, "Calzado Vallenato", officer.id, "Lucía Ramos",
                                  datetime(2026, 3, 1, 12, 1, tzinfo=UTC))


def test_the_service_says_in_spanish_what_an_answer_lacks(app, world):
    """The rule's own messages (pages and links reach them; the API's schema answers first)."""
    from fieldwork.services import ServiceError  # noqa: PLC0415

    for decision, comment, errors in (
        ("maybe", None, {"decision": ["Elija «Confirmar» o «Disputar»."]}),
        ("disputed", "  ", {"comment": ["Para disputar la visita, cuéntenos qué no es correcto."]}),
    ):
        with pytest.raises(ServiceError) as refused:
            confirm_visit(world["visit"], decision, comment)
        assert refused.value.errors == errors
    confirm_visit(world["visit"], "confirmed", None, answered_via="link")
    with pytest.raises(ServiceError) as refused:
        confirm_visit(world["visit"], "disputed", "Cambié de idea.", answered_via="link")
    assert (refused.value.status, refused.value.errors) == (409, {"decision": [
        "Ya se registró una respuesta para esta visita."]})
