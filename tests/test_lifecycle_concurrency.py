"""Issue 16 item 1: four supervisors resolve one dispute at the same moment. Exactly one succeeds, the
others are told (409) that it was resolved, and one outcome is stored: before, three succeeded with
contradictory outcomes.

Each thread is its own client with its own session cookie and its own app context, hence its own
database session and connection (tests/test_sync_concurrency.py; the SQLite fixture is a file)."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, ReviewEvent, Visit
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit

ROUNDS = 3
OUTCOMES = ["owner_right", "record_stands", "owner_right", "record_stands"]


def _race(app, usernames: list[str], visit_id: str) -> list[tuple[int, dict]]:
    answers: list = [None] * len(usernames)
    barrier = threading.Barrier(len(usernames))

    def supervisor(slot: int) -> None:
        client = app.test_client()
        token = client.post("/api/v1/session", json={"username": usernames[slot], "password": PASSWORD}).get_json()
        barrier.wait()
        response = client.post(f"/api/v1/visits/{visit_id}/dispute-resolution",
                               json={"outcome": OUTCOMES[slot], "note": f"Nota {slot}", "revision": 1},
                               headers={"X-CSRFToken": token["csrf_token"]})
        answers[slot] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=supervisor, args=(slot,)) for slot in range(len(usernames))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_four_supervisors_resolving_one_dispute_at_once_one_wins(app):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    supervisors = [make_user("supervisor").username for _ in OUTCOMES]
    for _ in range(ROUNDS):
        visit = make_visit(mipyme, officer, owner_confirmation="disputed", owner_comment="No vinieron.")
        answers = _race(app, supervisors, visit.id)
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200, 409, 409, 409], answers
        winner = next(body for status, body in answers if status == 200)
        for status, body in answers:
            if status == 409:
                assert "note" in body["errors"] or "revision" in body["errors"], body
        db.session.expire_all()
        stored = db.session.get(Visit, visit.id)
        assert (stored.dispute_outcome, stored.dispute_resolution_note) == (
            winner["dispute_outcome"], winner["dispute_resolution_note"])
        assert stored.review_status == ("returned" if stored.dispute_outcome == "owner_right" else "submitted")
        logged = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "visit.dispute_resolved", AuditEntry.entity_id == visit.id))
        events = db.session.scalar(select(func.count()).select_from(ReviewEvent)
                                   .where(ReviewEvent.visit_id == visit.id))
        assert (logged, events) == (1, 1)
