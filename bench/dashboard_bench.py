"""The Mipyme list with flags over 5,000 Mipymes and 250,000 visits, against one hand-written SQL
query over the same data, in the same run; prints both timings and their ratio.

    .venv/bin/python bench/dashboard_bench.py                 # SQLite file in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fw_bench .venv/bin/python bench/dashboard_bench.py

The PostgreSQL database is emptied (schema dropped and recreated) first. Figures: bench/README.md.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, text  # noqa: E402

from fieldwork import create_app  # noqa: E402
from fieldwork.aggregates import summarise  # noqa: E402
from fieldwork.clock import flag_day  # noqa: E402
from fieldwork.config import TESTING, _normalise_database_url  # noqa: E402
from fieldwork.extensions import db  # noqa: E402
from fieldwork.models import Mipyme, User, Visit  # noqa: E402

MIPYMES, VISITS, OFFICERS, RUNS = 5_000, 250_000, 25, 7
NOW = datetime(2025, 6, 15, 17, 0, tzinfo=UTC)

# What a careful person writes by hand: one window pass, the latest visit and the previous
# figures (lead over the same newest-first window), the open disputes, and the four flags, for every active Mipyme.
RAW = """
WITH ranked AS (
  SELECT mipyme_id, visited_at, follow_up_due, follow_up_reason, production_units, monthly_sales_cop, employees,
         lead(production_units) OVER w AS prev_units, lead(monthly_sales_cop) OVER w AS prev_sales,
         lead(employees) OVER w AS prev_employees,
         row_number() OVER w AS rn,
         count(*) OVER (PARTITION BY mipyme_id) AS visit_count,
         sum(CASE WHEN owner_confirmation = 'disputed' AND dispute_resolved_at IS NULL THEN 1 ELSE 0 END)
           OVER (PARTITION BY mipyme_id) AS disputes
  FROM visits
  WINDOW w AS (PARTITION BY mipyme_id ORDER BY visited_at DESC, id DESC)
)
SELECT m.id, m.name, m.nit, m.sector, m.officer_id, m.neighborhood,
       coalesce(r.visit_count, 0), r.visited_at, r.follow_up_due, r.follow_up_reason,
       r.production_units, r.monthly_sales_cop, r.employees, r.prev_units, r.prev_sales, r.prev_employees,
       r.mipyme_id IS NULL AS never_visited,
       r.follow_up_due < :today AS follow_up_overdue,
       r.visited_at < :boundary AND (r.follow_up_due IS NULL OR r.follow_up_due < :today) AS no_recent_visit,
       coalesce(r.disputes, 0) > 0 AS disputed
FROM mipymes m LEFT JOIN ranked r ON r.mipyme_id = m.id AND r.rn = 1
WHERE m.active
ORDER BY m.name, m.id
"""


def populate() -> None:
    rng = random.Random(4)  # noqa: S311 (reproducible test data, not secrets)
    officers = [{"username": f"o{i}", "name": f"Officer {i}", "role": "officer", "password_hash": "x",
                 "active": True, "created_at": NOW} for i in range(OFFICERS)]
    db.session.execute(insert(User), officers)
    officer_ids = list(db.session.scalars(select(User.id)))
    mipymes = [{"name": f"Mipyme {i:05d}", "sector": "alimentos", "owner_name": "", "phone": "", "address": "",
                "neighborhood": f"Comuna {i % 6 + 1}", "officer_id": officer_ids[i % OFFICERS],
                "active": i % 50 != 0, "created_at": NOW, "updated_at": NOW} for i in range(MIPYMES)]
    db.session.execute(insert(Mipyme), mipymes)
    ids = list(db.session.scalars(select(Mipyme.id)))
    owner_of = dict(db.session.execute(select(Mipyme.id, Mipyme.officer_id)).all())
    batch = []
    for n in range(VISITS):
        mipyme_id = ids[int(rng.paretovariate(1.2)) % len(ids)] if n % 3 else rng.choice(ids)
        visited = NOW - timedelta(minutes=rng.randrange(0, 60 * 24 * 400))
        batch.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "mipyme_id": mipyme_id, "officer_id": owner_of[mipyme_id],
            "visited_at": visited, "topics": ["produccion"], "content_hash": "0" * 64, "revision": 1,
            "production_units": rng.randrange(0, 500), "monthly_sales_cop": rng.randrange(0, 10**8),
            "employees": rng.randrange(0, 20),
            "follow_up_due": visited.date() + timedelta(days=rng.randrange(5, 60)) if rng.random() < .4 else None,
            "owner_confirmation": rng.choice(("pending", "confirmed", "confirmed", "disputed")),
            "received_at": visited, "updated_at": visited, "review_status": "submitted",
        })
        if len(batch) == 10_000:
            db.session.execute(insert(Visit), batch)
            batch = []
    if batch:
        db.session.execute(insert(Visit), batch)
    db.session.commit()


def timed(action) -> float:
    """Median wall time of RUNS runs, after one warm-up run."""
    action()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    url = os.environ.get("DATABASE_URL")
    folder = tempfile.mkdtemp(prefix="fw-bench-")
    url = _normalise_database_url(url) if url else f"sqlite:///{folder}/bench.sqlite"
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url, "FIELDWORK_CLOCK": lambda: NOW})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
        started = time.perf_counter()
        populate()
        if url.startswith("postgresql"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
        print(f"{db.engine.dialect.name}: {MIPYMES:,} Mipymes, {VISITS:,} visits loaded in "
              f"{time.perf_counter() - started:.1f} s")
        day = flag_day()
        base = select(Mipyme).where(Mipyme.active.is_(True))

        def app_list() -> int:
            db.session.expunge_all()
            summaries, total = summarise(base, day, per_page=MIPYMES)
            return len(summaries)

        def raw_list() -> int:
            rows = db.session.execute(text(RAW), {"today": day.today, "boundary": day.not_recent_before
                                                  .replace(tzinfo=None)}).all()
            return len(rows)

        assert app_list() == raw_list(), "both lists must hold the same Mipymes"
        ours, raw = timed(app_list), timed(raw_list)
        print(f"app list (summarise, ORM objects, flags):  {ours * 1000:8.1f} ms  (median of {RUNS})")
        print(f"hand-written SQL, raw rows:               {raw * 1000:8.1f} ms")
        print(f"ratio: {ours / raw:.2f}x")


if __name__ == "__main__":
    main()
