"""A batch of 50 edits through sync, at 30 and at 3,000 visits of the Mipyme's history (issue 16 item 2).

    python bench/edit_bench.py                                   # SQLite (a fresh file in a temporary folder)
    DATABASE_URL=postgresql://.../db python bench/edit_bench.py  # PostgreSQL (tables created and dropped)

For each history size: one Mipyme with that many older visits, 50 recent visits of its officer, then
ROUNDS batches that edit all 50 (sync_and_commit: rules, revisions, audit, summary upkeep, commit).
It prints the median time of a batch, the SQL statements a batch sends, and the same 50 UPDATEs
sent with the bare driver in one transaction (the raw baseline, measured in the same run).
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import event, insert, text  # noqa: E402

from fieldwork import create_app  # noqa: E402
from fieldwork.config import TESTING  # noqa: E402
from fieldwork.extensions import db  # noqa: E402
from fieldwork.mipymes import summary  # noqa: E402
from fieldwork.models import Mipyme, MipymeHistory, User, Visit  # noqa: E402
from fieldwork.visits.sync_service import sync_and_commit  # noqa: E402

EDITS, ROUNDS = 50, 15
NOW = datetime.now(UTC)


def _setup(history: int) -> tuple[User, list[dict]]:
    db.drop_all()
    db.create_all()
    officer = User(username="officer", name="Officer", role="officer", password_hash="x")  # noqa: S106 (never logs in)
    db.session.add(officer)
    db.session.flush()
    enrolled = (NOW - timedelta(days=500)).date()
    mipyme = Mipyme(name="Taller", sector="artesanias", officer_id=officer.id, active=True, enrolled_on=enrolled)
    db.session.add(mipyme)
    db.session.flush()
    db.session.add(MipymeHistory(mipyme_id=mipyme.id, officer_id=officer.id, active=True))
    db.session.execute(insert(Visit), [
        {"id": str(uuid.uuid4()), "mipyme_id": mipyme.id, "officer_id": officer.id, "topics": ["produccion"],
         "visited_at": NOW - timedelta(days=400, minutes=i), "content_hash": "0" * 64, "revision": 1,
         "employees": i % 7, "review_status": ("approved", "submitted")[i % 2]} for i in range(history)])
    summary.rebuild()
    db.session.commit()
    sent = [{"id": str(uuid.uuid4()), "mipyme_id": mipyme.id, "topics": ["produccion"], "employees": i,
             "visited_at": (NOW - timedelta(hours=2, minutes=i)).isoformat(), "revision": 1} for i in range(EDITS)]
    sync_and_commit(officer, sent, via="api")
    return officer, sent


def _measure(history: int) -> tuple[float, int, float]:
    officer, sent = _setup(history)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    times = []
    for revision in range(2, ROUNDS + 2):
        batch = [{**visit, "employees": visit["employees"] + revision, "revision": revision} for visit in sent]
        statements.clear()
        start = time.perf_counter()
        results = sync_and_commit(officer, batch, via="api")
        times.append(time.perf_counter() - start)
        assert {r.status for r in results} == {"updated"}, results
    sent_statements = len(statements)
    event.remove(db.engine, "before_cursor_execute", count)
    raw = []
    for revision in range(ROUNDS):
        start = time.perf_counter()
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE visits SET employees = :e, revision = :r WHERE id = :id"),
                               [{"e": revision, "r": 100 + revision, "id": v["id"]} for v in sent])
        raw.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, sent_statements, statistics.median(raw) * 1000


def main() -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/edit_bench.sqlite"
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url, "FIELDWORK_CLOCK": lambda: NOW})
    print(f"database: {url.split(':')[0]}; {EDITS} edits a batch, median of {ROUNDS} batches")
    print(f"{'history':>8} {'batch ms':>9} {'statements':>11} {'raw ms':>7} {'ratio':>6}")
    with app.test_request_context():
        for history in (30, 3000):
            ms, count, raw_ms = _measure(history)
            print(f"{history:>8} {ms:>9.1f} {count:>11} {raw_ms:>7.1f} {ms / raw_ms:>5.1f}x")
        db.drop_all()


if __name__ == "__main__":
    main()
