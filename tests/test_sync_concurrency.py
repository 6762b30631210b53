"""Two phones (or one phone retrying) send the same new visits at the same moment: stored once.

Each thread is its own client with its own session cookie; its requests run in their own app
context, hence their own database session and connection (the SQLite fixture is a file, so the
threads really share one database). The answers must be one `created` and one `duplicate` per
visit — never a 500, never two rows.
"""
from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Visit
from tests.builders import PASSWORD, make_mipyme, make_user, visit_payload

ROUNDS = 6


def _race(app, username: str, batches: list[list[dict]]) -> list[list[dict]]:
    """Send each batch from its own thread and client, all released together; the answers in order."""
    answers: list = [None] * len(batches)
    barrier = threading.Barrier(len(batches))

    def phone(slot: int) -> None:
        client = app.test_client()
        token = client.post("/api/v1/session", json={"username": username, "password": PASSWORD}).get_json()
        barrier.wait()
        response = client.post("/api/v1/visits/sync", json={"visits": batches[slot]},
                               headers={"X-CSRFToken": token["csrf_token"]})
        answers[slot] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=phone, args=(slot,)) for slot in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for status, body in answers:
        assert status == 200, body
    return [body["results"] for _, body in answers]


def _rows(visit_id: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Visit).where(Visit.id == visit_id))


def test_same_new_visit_sent_twice_at_once_is_stored_once(app):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    for _ in range(ROUNDS):
        visit = visit_payload(mipyme.id)
        first, second = _race(app, officer.username, [[visit], [visit]])
        assert sorted([first[0]["status"], second[0]["status"]]) == ["created", "duplicate"]
        assert _rows(visit["id"]) == 1
    created = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "visit.created"))
    assert created == ROUNDS


def test_overlapping_batches_at_once_store_each_visit_once(app):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    shared = [visit_payload(mipyme.id) for _ in range(20)]
    own_a, own_b = [visit_payload(mipyme.id) for _ in range(5)], [visit_payload(mipyme.id) for _ in range(5)]
    a, b = _race(app, officer.username, [shared + own_a, list(reversed(shared)) + own_b])
    statuses: dict[str, Counter] = {}
    for result in a + b:
        statuses.setdefault(result["id"], Counter())[result["status"]] += 1
    for visit in shared:
        assert statuses[visit["id"]] == Counter({"created": 1, "duplicate": 1})
    for visit in own_a + own_b:
        assert statuses[visit["id"]] == Counter({"created": 1})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 30


def test_concurrent_edit_and_replay_keep_the_newest_revision(app):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    for _ in range(ROUNDS):
        visit = visit_payload(mipyme.id, employees=1)
        edited = {**visit, "employees": 2, "revision": 2}
        _race(app, officer.username, [[visit], [edited]])
        db.session.expire_all()
        stored = db.session.get(Visit, visit["id"])
        assert (stored.revision, stored.employees) == (2, 2)
