"""A photo added to a visit, as fieldwork/visits/lifecycle.py decides it (store_photo calls it): refused
once the visit is approved, even when the approval lands while the photo is read; an owner who
confirmed the visit without it is asked again; one audit entry."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Visit
from fieldwork.services import ServiceError
from fieldwork.visits import lifecycle
from tests.builders import make_mipyme, make_user, make_visit


def test_a_photo_of_a_confirmed_visit_asks_the_owner_again(app):
    officer = make_user("officer")
    visit = make_visit(make_mipyme(officer), owner_confirmation="confirmed", confirmed_via="account")
    lifecycle.check_photo(visit)
    lifecycle.photo_added(visit, officer, "photo-1", via="api")
    db.session.commit()
    assert (visit.owner_confirmation, visit.confirmed_via) == ("pending", None)
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.entity_id) == ("photo.created", "photo-1")
    assert json.loads(entry.details) == {"visit_id": visit.id, "owner_confirmation": "confirmed→pending"}


def test_an_approval_that_lands_while_the_photo_is_read_refuses_it(app):
    officer = make_user("officer")
    visit = make_visit(make_mipyme(officer))
    lifecycle.check_photo(visit)  # passes: the visit was submitted when the upload began
    db.session.execute(update(Visit).where(Visit.id == visit.id).values(review_status="approved")
                       .execution_options(synchronize_session=False))
    with pytest.raises(ServiceError) as refused:
        lifecycle.photo_added(visit, officer, "photo-2", via="api")
    assert (refused.value.status, refused.value.errors) == (
        409, {"file": ["La visita ya fue aprobada: no admite fotos nuevas."]})
    assert db.session.scalars(select(AuditEntry)).all() == []
    with pytest.raises(ServiceError):
        lifecycle.check_photo(visit)
