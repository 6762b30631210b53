"""What a transition leaves behind, whole (found unpinned by mutation testing of fieldwork/visits/lifecycle.py):
the audit entry's actor, entity and channel, the review event's author, who reviewed a visit sent back
after a dispute, and which rule a photo follows."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, ReviewEvent
from fieldwork.owners.confirmation import confirm_visit
from fieldwork.services import ServiceError
from fieldwork.supervision.services import resolve_dispute
from fieldwork.visits import lifecycle
from tests.builders import make_mipyme, make_user, make_visit


@pytest.fixture
def disputed(app):
    officer, supervisor = make_user("officer"), make_user("supervisor")
    mipyme = make_mipyme(officer)
    owner = make_user("owner", mipyme=mipyme)
    visit = make_visit(mipyme)
    confirm_visit(visit, "disputed", "Fueron 3 empleados, no 5.", actor=owner, answered_via="account")
    db.session.commit()
    return {"officer": officer, "supervisor": supervisor, "visit": visit}


def _last_entry() -> AuditEntry:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()


def test_a_resolution_leaves_its_whole_audit_entry_event_and_reviewer(disputed):
    supervisor, visit = disputed["supervisor"], disputed["visit"]
    resolve_dispute(supervisor, visit, "Contar de nuevo con el dueño.", "owner_right", via="api",
                    revision=visit.revision)
    db.session.commit()
    entry = _last_entry()
    assert (entry.actor_id, entry.action, entry.entity_type, entry.entity_id, entry.via) == (
        supervisor.id, "visit.dispute_resolved", "visit", visit.id, "api")
    assert json.loads(entry.details) == {"note": "Contar de nuevo con el dueño.", "outcome": "owner_right",
                                         "owner_comment": "Fueron 3 empleados, no 5.", "revision": 1}
    event = db.session.scalars(select(ReviewEvent).where(ReviewEvent.kind == "owner_right")).one()
    assert (event.author_id, event.comment, event.revision) == (supervisor.id, "Contar de nuevo con el dueño.", 1)
    # Sent back to the officer: the supervisor who decided it is the visit's reviewer.
    assert (visit.review_status, visit.reviewed_by_id, visit.reviewed_at is not None) == (
        "returned", supervisor.id, True)


@pytest.mark.parametrize("role", ["admin", "officer"])
def test_only_a_supervisor_resolves_and_is_told_so_beside_the_note(disputed, role):
    with pytest.raises(ServiceError) as refused:
        resolve_dispute(make_user(role), disputed["visit"], "Nota", "record_stands", revision=1)
    assert (refused.value.status, refused.value.errors) == (
        403, {"note": ["Solo un supervisor puede resolver disputas."]})


def test_a_photo_leaves_its_whole_audit_entry(app):
    officer = make_user("officer")
    visit = make_visit(make_mipyme(officer))
    lifecycle.photo_added(visit, officer, "photo-9", via="web")
    db.session.commit()
    entry = _last_entry()
    assert (entry.actor_id, entry.action, entry.entity_type, entry.entity_id, entry.via) == (
        officer.id, "photo.created", "photo", "photo-9", "web")
    assert json.loads(entry.details) == {"visit_id": visit.id}


def test_a_photo_does_not_close_a_dispute_the_supervisor_upheld(disputed):
    """The table: a photo asks again only an owner who confirmed; an upheld dispute waits for the edit."""
    visit = disputed["visit"]
    resolve_dispute(disputed["supervisor"], visit, "Corregir empleados.", "owner_right", revision=1)
    db.session.commit()
    lifecycle.photo_added(visit, disputed["officer"], "photo-10", via="api")
    db.session.commit()
    assert (visit.owner_confirmation, visit.dispute_outcome) == ("disputed", "owner_right")
    assert json.loads(_last_entry().details) == {"visit_id": visit.id}
