"""The supervisor's pages and exports at national size, in one run on one data set.

    .venv/bin/python bench/dashboard_bench.py                                  # 5,000 / 250,000, SQLite file
    .venv/bin/python bench/dashboard_bench.py --mipymes 20000 --visits 1000000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fw_bench .venv/bin/python bench/dashboard_bench.py

Measures (median of --runs after a warm-up, through Flask's test client: the whole app, without the
network): the whole dashboard page; `GET /api/v1/mipymes?per_page=100`; the visit log's first and
last pages; the Mipyme list with flags in Python (`summarise`, all rows) against one hand-written
window query; the physical limit (the summary rows alone, joined to their Mipymes); and the two
visit exports (time to the first byte, total time, peak RSS growth while streaming, and the peak
of Python allocations under tracemalloc). The PostgreSQL database is emptied first (schema dropped
and recreated). Works on older commits too (what it cannot measure there it says). Figures:
bench/README.md.
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, text  # noqa: E402

from bench.bench_app import fresh_app  # noqa: E402
from fieldwork.extensions import db  # noqa: E402
from fieldwork.mipymes.aggregates import summarise  # noqa: E402
from fieldwork.mipymes.flags import flag_day  # noqa: E402
from fieldwork.models import Mipyme, User, Visit  # noqa: E402
from fieldwork.web.security import hash_password  # noqa: E402

OFFICERS = 25
NOW = datetime(2025, 6, 15, 17, 0, tzinfo=UTC)
PASSWORD = "bench-password-1"  # noqa: S105 (a throwaway database)

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
# The physical limit: the summary rows alone, joined to their Mipymes, flags computed in SQL.
SUMMARY_ONLY = """
SELECT m.id, m.name, m.nit, m.sector, m.officer_id, m.neighborhood, coalesce(s.visit_count, 0), s.last_visit_at,
       s.next_follow_up_due, s.follow_up_reason, s.latest_production_units, s.latest_monthly_sales_cop,
       s.latest_employees, s.previous_production_units, s.previous_monthly_sales_cop, s.previous_employees,
       s.mipyme_id IS NULL, s.next_follow_up_due < :today,
       s.last_visit_at < :boundary AND (s.next_follow_up_due IS NULL OR s.next_follow_up_due < :today),
       coalesce(s.open_disputes, 0) > 0
FROM mipymes m LEFT JOIN mipyme_summaries s ON s.mipyme_id = m.id
WHERE m.active
ORDER BY m.name, m.id
"""
# The API's physical limit: a page of 100 of those rows and the count of all (what GET /api/v1/mipymes needs).
SUMMARY_PAGE = SUMMARY_ONLY + " LIMIT 100"
COUNT_ACTIVE = "SELECT count(*) FROM mipymes WHERE active"


def answer(rng: random.Random, visited: datetime) -> dict[str, object]:
    """The owner's answer: a quarter pending, half confirmed, a quarter disputed, a day or two after."""
    decision = rng.choice(("pending", "confirmed", "confirmed", "disputed"))
    if decision == "pending":
        return {"owner_confirmation": decision}
    return {"owner_confirmation": decision, "confirmed_via": "account",
            "confirmed_at": visited + timedelta(hours=rng.randrange(1, 72))}


def populate(mipymes: int, visits: int) -> None:
    rng = random.Random(4)  # noqa: S311 (reproducible test data, not secrets)
    officers = [{"username": f"o{i}", "name": f"Officer {i}", "role": "officer", "password_hash": "x",
                 "active": True, "created_at": NOW} for i in range(OFFICERS)]
    officers.append({"username": "sup", "name": "Supervisora", "role": "supervisor",
                     "password_hash": hash_password(PASSWORD), "active": True, "created_at": NOW})
    db.session.execute(insert(User), officers)
    officer_ids = list(db.session.scalars(select(User.id).where(User.role == "officer")))
    rows = [{"name": f"Mipyme {i:05d}", "sector": "alimentos", "owner_name": "", "phone": "", "address": "",
             "neighborhood": f"Comuna {i % 6 + 1}", "officer_id": officer_ids[i % OFFICERS],
             "active": i % 50 != 0, "created_at": NOW - timedelta(days=800), "updated_at": NOW}
            for i in range(mipymes)]
    db.session.execute(insert(Mipyme), rows)
    ids = list(db.session.scalars(select(Mipyme.id)))
    owner_of = dict(db.session.execute(select(Mipyme.id, Mipyme.officer_id)).all())
    batch = []
    for n in range(visits):
        mipyme_id = ids[int(rng.paretovariate(1.2)) % len(ids)] if n % 3 else rng.choice(ids)
        visited = NOW - timedelta(minutes=rng.randrange(0, 60 * 24 * 400))
        batch.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "mipyme_id": mipyme_id, "officer_id": owner_of[mipyme_id],
            "visited_at": visited, "topics": ["produccion"], "content_hash": "0" * 64, "revision": 1,
            "production_units": rng.randrange(0, 500), "monthly_sales_cop": rng.randrange(0, 10**8),
            "employees": rng.randrange(0, 20), "notes": "Taller ordenado; revisar inventario." if n % 7 else None,
            "follow_up_due": visited.date() + timedelta(days=rng.randrange(5, 60)) if rng.random() < .4 else None,
            "received_at": visited, "updated_at": visited, "review_status": "submitted",
            **answer(rng, visited),
        })
        if len(batch) == 10_000:
            db.session.execute(insert(Visit), batch)
            batch = []
    if batch:
        db.session.execute(insert(Visit), batch)
    try:
        from fieldwork.mipymes.summary import rebuild  # noqa: PLC0415 (absent on commits before the summary table)
    except ImportError:
        rebuild = None
    if rebuild is not None:
        started = time.perf_counter()
        rebuild()
        print(f"summary rebuild: {time.perf_counter() - started:.1f} s")
    db.session.commit()


def timed(action, runs: int) -> float:
    """Median wall time of `runs` runs, after one warm-up run."""
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rss_kb() -> int:
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmRSS")).split()[1])


def export(client, path: str, trace: bool) -> tuple[float, float, int, int]:
    """(seconds to the first byte, total seconds, peak RSS growth KB, peak traced KB) of one download."""
    if trace:
        tracemalloc.start()
    before, peak_rss, size = rss_kb(), 0, 0
    start = time.perf_counter()
    response = client.get(path, buffered=False)
    first = None
    for chunk in response.response:
        if first is None:
            first = time.perf_counter() - start
        size += len(chunk)
        peak_rss = max(peak_rss, rss_kb() - before)
    response.close()
    total = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] // 1024 if trace else 0
    if trace:
        tracemalloc.stop()
    assert response.status_code == 200 and size > 1000, (path, response.status_code, size)
    return first or total, total, peak_rss, traced


def dashboard_parts(app, runs: int, line) -> None:
    """Each query the dashboard page runs, alone (what the page's time is made of)."""
    from fieldwork.clock import programme_zone  # noqa: PLC0415
    from fieldwork.mipymes.aggregates import all_flag_counts  # noqa: PLC0415
    from fieldwork.owners.confirmation import confirmation_rates_by_officer, open_disputes  # noqa: PLC0415
    from fieldwork.supervision import queries  # noqa: PLC0415

    with app.test_request_context():
        day, zone = flag_day(), programme_zone()
        base = select(Mipyme).where(Mipyme.active.is_(True))
        parts = {
            "headline counts": lambda: queries.headline(day, zone),
            "four flag counts": lambda: all_flag_counts(base, day),
            "table: a page of 50 and its count": lambda: summarise(base, day, page=1, per_page=50),
            "weekly chart (12 weeks)": lambda: queries.weekly_visits(day, zone),
            "workload (flags and owners' answers per officer)": lambda: queries.workload(day),
            "  of which owners' answers per officer": confirmation_rates_by_officer,
            "dispute queue, first page of 20": lambda: open_disputes(limit=20),
        }
        for what, part in parts.items():
            line(f"  {what}", timed(part, runs))


def main() -> None:  # noqa: PLR0915 (a bench script reads top to bottom)
    parser = argparse.ArgumentParser()
    parser.add_argument("--mipymes", type=int, default=5_000)
    parser.add_argument("--visits", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--breakdown", action="store_true", help="time each of the dashboard's queries too")
    args = parser.parse_args()
    app, url = fresh_app(NOW)
    with app.app_context():
        started = time.perf_counter()
        populate(args.mipymes, args.visits)
        if url.startswith("postgresql"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"{db.engine.dialect.name}: {args.mipymes:,} Mipymes, {args.visits:,} visits loaded in "
              f"{time.perf_counter() - started:.1f} s; median of {args.runs} runs")
        day = flag_day()
        params = {"today": day.today, "boundary": day.not_recent_before.replace(tzinfo=None)}
        base = select(Mipyme).where(Mipyme.active.is_(True))
        db.session.remove()

    client = app.test_client()
    with app.app_context():
        response = client.post("/api/v1/session", json={"username": "sup", "password": PASSWORD})
        assert response.status_code == 200, response.get_data(as_text=True)
        client.environ_base["HTTP_X_CSRFTOKEN"] = response.get_json()["csrf_token"]

    def page(path: str):
        def get() -> None:
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
        return get

    def line(what: str, seconds: float) -> None:
        print(f"{what:<58} {seconds * 1000:9.1f} ms")

    line("dashboard page GET /supervision/", timed(page("/supervision/"), args.runs))
    if args.breakdown:
        dashboard_parts(app, args.runs, line)
    line("API GET /api/v1/mipymes?per_page=100", timed(page("/api/v1/mipymes?per_page=100"), args.runs))
    line("visit log, first page", timed(page("/supervision/visits"), args.runs))
    first_page = client.get("/supervision/visits").get_data(as_text=True)
    last = re.search(r'<a href="([^"]+)">[^<]*Última', first_page)
    last_path = last.group(1).replace("&amp;", "&") if last else f"/supervision/visits?page={args.visits // 50}"
    line(f"visit log, last page ({last_path[:40]}…)", timed(page(last_path), args.runs))

    with app.app_context():
        def app_list() -> int:
            db.session.expunge_all()
            return len(summarise(base, day, per_page=args.mipymes)[0])

        def raw_list() -> int:
            return len(db.session.execute(text(RAW), params).all())

        def summary_only() -> int:
            return len(db.session.execute(text(SUMMARY_ONLY), params).all())

        def api_query() -> int:
            db.session.expunge_all()
            return len(summarise(base, day, per_page=100)[0])

        def summary_page() -> int:
            return len(db.session.execute(text(SUMMARY_PAGE), params).all()) + db.session.scalar(text(COUNT_ACTIVE))

        assert app_list() == raw_list(), "both lists must hold the same Mipymes"
        ours, raw = timed(app_list, args.runs), timed(raw_list, args.runs)
        line("Mipyme list with flags, all rows (summarise, ORM objects)", ours)
        line("hand-written window query over the visits", raw)
        try:
            line("physical limit: summary rows joined to Mipymes", timed(summary_only, args.runs))
            line("the API's query: a page of 100 and the count (summarise)", timed(api_query, args.runs))
            line("physical limit: a page of 100 summary rows and the count", timed(summary_page, args.runs))
        except Exception as error:  # noqa: BLE001 (older commits have no summary table)
            print(f"physical limit: not measurable here ({type(error).__name__})")
            db.session.rollback()

    if args.no_exports:
        return
    for fmt in ("csv", "xlsx"):
        first, total, rss, _traced = export(client, f"/supervision/visits.{fmt}", trace=False)
        _f, _t, _r, traced = export(client, f"/supervision/visits.{fmt}", trace=True)
        print(f"export visits.{fmt}: first byte {first:6.2f} s, total {total:6.1f} s, "
              f"RSS growth {rss / 1024:7.1f} MB, traced peak {traced / 1024:7.1f} MB")


if __name__ == "__main__":
    main()
