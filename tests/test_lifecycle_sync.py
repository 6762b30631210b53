"""Sync asks the life cycle (fieldwork/visits/lifecycle.py) what an edit may do, and judges a visit's
answers before it takes the write lock (issue 16 item 10): a slow form never holds other officers up."""
from __future__ import annotations

import json

from sqlalchemy import select, text

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, ReviewEvent, Visit
from fieldwork.supervision.services import resolve_dispute
from fieldwork.visits import sync
from tests.builders import make_mipyme, make_user, visit_payload
from tests.conftest import is_postgres, login


def _another_writer_can_write(app, visit_id: str) -> bool:
    """From a second connection, can someone else write now (SQLite: the database; PostgreSQL: this visit)?"""
    with db.engine.connect() as other:
        try:
            if is_postgres(app):
                other.execute(text("SET lock_timeout = '200ms'"))
                other.execute(text("SELECT id FROM visits WHERE id = :id FOR UPDATE"), {"id": visit_id})
            else:
                other.exec_driver_sql("PRAGMA busy_timeout = 200")
                other.exec_driver_sql("BEGIN IMMEDIATE")
            return True
        except Exception:  # noqa: BLE001 (a lock wait that ran out: the only answer sought)
            return False
        finally:
            other.rollback()


def test_answers_are_judged_before_the_write_lock_is_taken(app, client, monkeypatch):
    officer = make_user("officer")
    login(client, officer)
    payload = visit_payload(make_mipyme(officer).id)
    assert client.post("/api/v1/visits/sync", json={"visits": [payload]}).status_code == 200
    seen: list[bool] = []
    judge = sync.answer_errors

    def judging(data, zone):
        seen.append(_another_writer_can_write(app, payload["id"]))
        return judge(data, zone)

    monkeypatch.setattr(sync, "answer_errors", judging)
    edited = {**payload, "employees": 9, "revision": 2}
    results = client.post("/api/v1/visits/sync", json={"visits": [edited]}).get_json()["results"]
    assert results[0]["status"] == "updated"
    assert seen == [True]


def test_an_edit_after_an_upheld_dispute_asks_the_owner_again_and_says_so(app, make_client):
    officer, supervisor = make_user("officer"), make_user("supervisor")
    mipyme = make_mipyme(officer)
    phone, owner = make_client(), make_client()
    login(phone, officer)
    login(owner, make_user("owner", mipyme=mipyme))
    payload = visit_payload(mipyme.id, employees=4)
    phone.post("/api/v1/visits/sync", json={"visits": [payload]})
    owner.post(f"/api/v1/visits/{payload['id']}/confirmation", json={"decision": "disputed", "comment": "Somos 6."})
    resolve_dispute(supervisor, db.session.get(Visit, payload["id"]), "Corrija los empleados.", "owner_right")
    db.session.commit()
    result = phone.post("/api/v1/visits/sync", json={"visits": [{**payload, "employees": 6, "revision": 2}]})
    assert result.get_json()["results"][0]["status"] == "updated"
    db.session.expire_all()
    visit = db.session.get(Visit, payload["id"])
    assert (visit.review_status, visit.owner_confirmation) == ("submitted", "pending")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "visit.updated")).one()
    assert json.loads(entry.details) == {"revision": 2, "previous_revision": 1, "review_status": "returned→submitted",
                                         "owner_confirmation": "disputed→pending"}
    kinds = db.session.scalars(select(ReviewEvent.kind).where(ReviewEvent.visit_id == visit.id)
                               .order_by(ReviewEvent.id)).all()
    assert kinds == ["owner_right", "resubmitted"]
