"""The owner's answer, at the service (the one home the owner's page, the API and the link share):
who may speak, what is stored and audited, and a dispute re-opened after a supervisor resolved it."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Visit
from fieldwork.owners.confirmation import MAX_COMMENT, confirm_visit
from fieldwork.services import ServiceError
from fieldwork.supervision.services import resolve_dispute
from tests.builders import make_mipyme, make_user, make_visit


@pytest.fixture
def world(app):
    officer = make_user("officer", name="Lucía Ramos")
    mipyme, neighbour = make_mipyme(officer, name="Calzado Vallenato"), make_mipyme(officer, name="Arepas Doña Ana")
    return {"officer": officer, "mipyme": mipyme, "visit": make_visit(mipyme, officer),
            "owner": make_user("owner", mipyme=mipyme), "neighbour_owner": make_user("owner", mipyme=neighbour),
            "supervisor": make_user("supervisor", name="Sara Supervisora")}


def _refused(**call) -> ServiceError:
    with pytest.raises(ServiceError) as refused:
        confirm_visit(**call)
    db.session.rollback()
    return refused.value


def test_the_owner_of_another_business_may_not_answer_and_is_told_whose_visit_it_is(world):
    refusal = _refused(visit=world["visit"], decision="confirmed", comment=None, actor=world["neighbour_owner"])
    assert (refusal.status, refusal.errors) == (403, {"decision": [
        "Ha iniciado sesión con la cuenta de otro negocio. Esta visita es del propietario de Calzado Vallenato; "
        "nada se registró."]})
    assert db.session.get(Visit, world["visit"].id).owner_confirmation == "pending"


def test_staff_are_told_their_session_is_open_by_name(world):
    refusal = _refused(visit=world["visit"], decision="confirmed", comment=None, actor=world["supervisor"])
    assert (refusal.status, refusal.errors) == (403, {"decision": [
        "Este navegador tiene abierta una sesión del programa (Sara Supervisora). Solo el propietario del negocio "
        "puede responder esta visita, desde su propio teléfono. Nada se registró."]})


def test_a_comment_of_exactly_the_limit_is_kept_and_one_more_character_is_refused(world):
    refusal = _refused(visit=world["visit"], decision="disputed", comment="x" * (MAX_COMMENT + 1), actor=world["owner"])
    assert refusal.errors == {"comment": ["El comentario puede tener como máximo 2000 caracteres."]}
    confirm_visit(world["visit"], "disputed", "x" * MAX_COMMENT, actor=world["owner"])
    db.session.commit()
    assert len(db.session.get(Visit, world["visit"].id).owner_comment) == MAX_COMMENT


def test_an_answer_from_the_account_keeps_no_link_device_and_is_audited_with_what_changed(world):
    confirm_visit(world["visit"], "confirmed", "Todo bien.", actor=world["owner"], device="f" * 64)
    db.session.commit()
    visit = db.session.get(Visit, world["visit"].id)
    assert (visit.owner_confirmation, visit.confirmed_via, visit.link_device) == ("confirmed", "account", None)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.confirmed"))
    assert (entry.actor_id, entry.via) == (world["owner"].id, "web")
    assert json.loads(entry.details) == {"previous": "pending", "comment": "Todo bien.", "confirmed_via": "account",
                                         "revision": 1}


def test_disputing_again_after_a_resolution_reopens_the_dispute_from_scratch(world):
    visit, owner = world["visit"], world["owner"]
    confirm_visit(visit, "disputed", "No fue el lunes.", actor=owner)
    db.session.commit()
    resolve_dispute(world["supervisor"], visit, "Hablamos con el propietario.", "record_stands", via="api")
    db.session.commit()
    confirm_visit(visit, "disputed", "No fue el lunes.", actor=owner)  # the same words, once more
    db.session.commit()
    reopened = db.session.get(Visit, visit.id)
    assert (reopened.dispute_resolved_at, reopened.dispute_resolved_by_id, reopened.dispute_resolution_note,
            reopened.dispute_outcome) == (None, None, None, None)
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "visit.disputed")) == 2


def test_repeating_a_dispute_that_is_still_open_changes_nothing(world):
    visit, owner = world["visit"], world["owner"]
    confirm_visit(visit, "disputed", "No fue el lunes.", actor=owner)
    db.session.commit()
    confirm_visit(visit, "disputed", "No fue el lunes.", actor=owner)
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "visit.disputed")) == 1
