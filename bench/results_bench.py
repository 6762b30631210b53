"""Programme results at scale (issue 17 item 9): `programme_results` (what GET /api/v1/results answers)
against one hand-written SQL query that computes the same numbers from the visits, side by side.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fw_bench_results .venv/bin/python bench/results_bench.py
    MIPYMES=2000 VISITS=100000 DATABASE_URL=... .venv/bin/python bench/results_bench.py   # a smaller run
    KEEP=1 DATABASE_URL=... .venv/bin/python bench/results_bench.py   # keep the data, reuse it next time

PostgreSQL only (the data is made by INSERT … SELECT generate_series; tables created and dropped).
MIPYMES Mipymes (default 20,000) in three macro-sectors, VISITS visits (default 1,000,000) spread weekly
after each enrolment, 1 in 20 returned, 1 in 50 with an open dispute, some follow-ups; the kept rows
(summary rows with the verification counts, and results rows) are built once (`summary rebuild`,
timed). Then, median of ROUNDS runs each: programme_results for today (kept rows), for a day 120 days
back (a window over the visits), and the hand-written query for each day; it checks that both give the
same numbers and prints the ratios.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import text  # noqa: E402

from fieldwork import create_app  # noqa: E402
from fieldwork.clock import programme_zone, start_of_day  # noqa: E402
from fieldwork.config import TESTING  # noqa: E402
from fieldwork.extensions import db  # noqa: E402
from fieldwork.mipymes import summary  # noqa: E402
from fieldwork.results.service import ResultFilters, programme_results  # noqa: E402

MIPYMES = int(os.environ.get("MIPYMES", "20000"))
VISITS = int(os.environ.get("VISITS", "1000000"))
ROUNDS = 5
KEEP = os.environ.get("KEEP") == "1"
NOW = datetime.now(UTC).replace(microsecond=0)
UVT = {2024: 47065, 2025: 49799, 2026: 52374}

DATA = """
INSERT INTO users (id, username, name, role, password_hash, active, created_at, session_generation,
                   must_change_password)
SELECT g, 'officer' || g, 'Officer ' || g, 'officer', 'x', true, now(), 0, false FROM generate_series(1, 20) g;
INSERT INTO mipymes (id, name, search_name, sector, owner_name, phone, address, neighborhood, officer_id, active,
                     created_at, updated_at, enrolled_on, ciiu, status)
SELECT g, 'Mipyme ' || g, 'mipyme ' || g, 'comercio', '', '', '', 'Barrio ' || (g % 40), 1 + g % 20, true, now(),
       now(), CAST(:today AS date) - 700 + (g % 300), (ARRAY['1081', '4711', '5611', '1410', '4520'])[1 + g % 5],
       CASE WHEN g % 25 = 0 THEN 'graduated' ELSE 'active' END
FROM generate_series(1, :mipymes) g;
INSERT INTO visits (id, mipyme_id, officer_id, visited_at, topics, production_units, monthly_sales_cop,
                    employees, follow_up_due, content_hash, revision, received_at, updated_at, review_status,
                    owner_confirmation, confirmed_via)
SELECT md5(g::text)::uuid::text, m.id, 1 + m.id % 20,
       (m.enrolled_on + 7 * (g / :mipymes))::timestamp + interval '15 hours' + (g % 7) * interval '1 minute',
       'produccion', CASE WHEN g % 3 = 0 THEN NULL ELSE g % 500 END,
       CASE WHEN g % 4 = 0 THEN NULL ELSE 1000000 + (m.id::bigint * 7919 + g::bigint * 104729) % 90000000 END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + (m.id + g / :mipymes) % 12 END,
       CASE WHEN g % 6 = 0 THEN m.enrolled_on + 7 * (g / :mipymes) + 10 END,
       repeat('0', 64), 1, now(), now(),
       CASE WHEN g % 20 = 0 THEN 'returned' WHEN g % 3 = 0 THEN 'approved' ELSE 'submitted' END,
       CASE WHEN g % 50 = 7 THEN 'disputed' WHEN g % 4 = 1 THEN 'confirmed' ELSE 'pending' END,
       CASE WHEN g % 4 = 1 THEN (ARRAY['account', 'link', 'link_code'])[1 + g % 3] END
FROM generate_series(0, :visits - 1) g JOIN mipymes m ON m.id = 1 + g % :mipymes;
"""

# The same numbers as programme_results, written by hand in one statement (PostgreSQL). Days are
# Bogotá's (UTC-5, no daylight saving): `:end` is the instant the day after as_of begins.
HAND = """
WITH m AS (
    SELECT id, status, CASE WHEN substr(ciiu, 1, 2) BETWEEN '45' AND '48' THEN 'comercio'
                            WHEN substr(ciiu, 1, 2) >= '49' THEN 'servicios'
                            WHEN ciiu IS NOT NULL THEN 'manufactura' END AS macro
    FROM mipymes WHERE enrolled_on <= :as_of),
cv AS (
    SELECT v.* FROM visits v JOIN m ON m.id = v.mipyme_id
    WHERE v.review_status <> 'returned' AND (v.owner_confirmation <> 'disputed' OR v.dispute_resolved_at IS NOT NULL)
      AND v.visited_at < :end),
answered AS (
    SELECT mipyme_id, 'sales_month_cop' AS code, id, visited_at, monthly_sales_cop::float AS value
    FROM cv WHERE monthly_sales_cop IS NOT NULL
    UNION ALL SELECT mipyme_id, 'units_month', id, visited_at, production_units::float FROM cv
    WHERE production_units IS NOT NULL
    UNION ALL SELECT mipyme_id, 'jobs_total', id, visited_at, employees::float FROM cv WHERE employees IS NOT NULL),
ranked AS (
    SELECT a.*, row_number() OVER (PARTITION BY mipyme_id, code ORDER BY visited_at, id) AS rf,
                row_number() OVER (PARTITION BY mipyme_id, code ORDER BY visited_at DESC, id DESC) AS rl
    FROM answered a),
e AS (
    SELECT mipyme_id, code, max(id) FILTER (WHERE rf = 1) AS b_id, max(id) FILTER (WHERE rl = 1) AS l_id,
           max(value) FILTER (WHERE rf = 1) AS b, max(value) FILTER (WHERE rl = 1) AS l,
           max(visited_at) FILTER (WHERE rf = 1) AS b_at
    FROM ranked WHERE rf = 1 OR rl = 1 GROUP BY mipyme_id, code),
ind AS (
    SELECT code, count(*) AS n, sum(b) AS b_total, sum(l) AS l_total, count(*) FILTER (WHERE l > b) AS up,
           count(*) FILTER (WHERE l < b) AS down, count(*) FILTER (WHERE l = b) AS same,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY b) AS b_median,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY l) AS l_median
    FROM e WHERE b_id <> l_id GROUP BY code),
rev AS (
    SELECT mipyme_id, 12 * avg(value) AS revenue FROM (
        SELECT mipyme_id, monthly_sales_cop::float AS value, row_number() OVER (
            PARTITION BY mipyme_id, date_trunc('month', visited_at - interval '5 hours')
            ORDER BY visited_at DESC, id DESC) AS r
        FROM cv WHERE monthly_sales_cop IS NOT NULL AND visited_at >= :window) x
    WHERE r = 1 GROUP BY mipyme_id),
bands AS (
    SELECT band(m.macro, 12 * e.b, uvt(e.b_at)) AS before, band(m.macro, rev.revenue, :uvt_now) AS now
    FROM m JOIN e ON e.mipyme_id = m.id AND e.code = 'sales_month_cop' LEFT JOIN rev ON rev.mipyme_id = m.id)
SELECT json_build_object(
  'businesses', (SELECT json_build_object('enrolled', count(*), 'active', count(*) FILTER (WHERE status = 'active'),
                  'with_change', (SELECT count(DISTINCT mipyme_id) FROM e WHERE b_id <> l_id)) FROM m),
  'indicators', (SELECT json_object_agg(code, json_build_array(n, b_total, l_total, up, down, same, b_median,
                                                               l_median)) FROM ind),
  'verification', (SELECT json_build_object('visited', count(DISTINCT mipyme_id), 'counting_visits', count(*),
                    'owner_confirmed', count(*) FILTER (WHERE owner_confirmation = 'confirmed'),
                    'independent', count(*) FILTER (WHERE owner_confirmation = 'confirmed'
                                                   AND confirmed_via IN ('account', 'link_code')),
                    'disputed', count(*) FILTER (WHERE owner_confirmation = 'disputed')) FROM cv),
  'follow_ups', (SELECT json_build_array(count(*), count(*) FILTER (WHERE EXISTS (
                    SELECT 1 FROM visits w WHERE w.mipyme_id = v.mipyme_id AND w.visited_at > v.visited_at
                      AND w.visited_at < (v.follow_up_due + 1)::timestamp + interval '5 hours'
                      AND w.review_status <> 'returned'
                      AND (w.owner_confirmation <> 'disputed' OR w.dispute_resolved_at IS NOT NULL))))
                 FROM cv v WHERE v.follow_up_due <= :as_of),
  'bands', (SELECT json_object_agg(before || '>' || now, n) FROM (
              SELECT before, now, count(*) AS n FROM bands WHERE before <> 'unknown' AND now <> 'unknown'
              GROUP BY before, now) b))
"""
FUNCTIONS = """
CREATE OR REPLACE FUNCTION uvt(at timestamp) RETURNS float AS $$
  SELECT CASE WHEN at >= '2026-01-01 05:00' THEN 52374 WHEN at >= '2025-01-01 05:00' THEN 49799
              WHEN at >= '2024-01-01 05:00' THEN 47065 END::float $$ LANGUAGE sql IMMUTABLE;
CREATE OR REPLACE FUNCTION band(macro text, revenue float, uvt float) RETURNS text AS $$
  SELECT CASE WHEN macro IS NULL OR revenue IS NULL OR uvt IS NULL THEN 'unknown'
    WHEN revenue <= uvt * CASE macro WHEN 'manufactura' THEN 23563 WHEN 'servicios' THEN 32988 ELSE 44769 END
      THEN 'micro'
    WHEN revenue <= uvt * CASE macro WHEN 'manufactura' THEN 204995 WHEN 'servicios' THEN 131951 ELSE 431196 END
      THEN 'pequena'
    WHEN revenue <= uvt * CASE macro WHEN 'manufactura' THEN 1736565 WHEN 'servicios' THEN 483034 ELSE 2160692 END
      THEN 'mediana'
    ELSE 'grande' END $$ LANGUAGE sql IMMUTABLE;
"""


def _median_ms(run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(ROUNDS):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def _same_numbers(app_result: dict, hand: dict) -> None:
    """The two computations agree (the figures both compute)."""
    assert app_result["businesses"]["with_change"] == hand["businesses"]["with_change"], (app_result, hand)
    assert app_result["businesses"]["enrolled"] == hand["businesses"]["enrolled"]
    assert app_result["verification"]["counting_visits"] == hand["verification"]["counting_visits"]
    assert app_result["verification"]["independent_confirmations"] == hand["verification"]["independent"]
    for indicator in app_result["indicators"][:3]:
        n, b_total, l_total, up, down, same, b_median, l_median = hand["indicators"][indicator["code"]]
        assert (indicator["businesses_with_change"], indicator["improved"], indicator["worsened"]) == (n, up, down)
        assert abs(indicator["baseline_total"] - b_total) < 1e-6 * abs(b_total) + 1e-6
        assert indicator["latest_median"] == l_median, (indicator, l_median)
    due, met = hand["follow_ups"]
    assert app_result["verification"]["follow_ups_on_time_pct"] == (round(100 * met / due, 1) if due else None)
    moved = sum(n for key, n in (hand["bands"] or {}).items())
    assert sum(app_result["size_bands"]["latest"].values()) == moved


def _has_data() -> bool:
    """The programme is there, with kept rows of today's columns (else it is made again)."""
    try:
        return (db.session.execute(text("SELECT count(*) FROM mipymes")).scalar_one() == MIPYMES
                and db.session.execute(text("SELECT sum(counting_visits) FROM mipyme_summaries")).scalar_one())
    except Exception:  # noqa: BLE001 (no tables yet)
        db.session.rollback()
        return False


def _make_data(today) -> tuple[float, float]:
    """The programme, made in the database; then the kept rows, as `summary rebuild` makes them (seconds each)."""
    db.drop_all()
    db.create_all()
    start = time.perf_counter()
    for statement in DATA.split(";\n"):
        if statement.strip():
            db.session.execute(text(statement), {"today": today, "mipymes": MIPYMES, "visits": VISITS})
    db.session.execute(text("INSERT INTO uvt_values (year, value_cop, recorded_at) VALUES "
                            + ", ".join(f"({y}, {v}, now())" for y, v in UVT.items())))
    db.session.commit()
    made = time.perf_counter() - start
    start = time.perf_counter()
    summary.rebuild()
    db.session.commit()
    return made, time.perf_counter() - start


def _keep_current() -> float:
    """Kept data of an earlier run: the tables and indexes this code has and that run did not are
    added, and every kept row is built again by this code (seconds)."""
    db.create_all()
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            for index in table.indexes:
                index.create(connection, checkfirst=True)
    start = time.perf_counter()
    summary.rebuild()
    db.session.commit()
    return time.perf_counter() - start


def main() -> None:
    url = os.environ["DATABASE_URL"]
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url, "FIELDWORK_CLOCK": lambda: NOW})
    with app.test_request_context():
        zone = programme_zone()
        today = NOW.astimezone(zone).date()
        made = rebuilt = 0.0
        if KEEP and _has_data():
            rebuilt = _keep_current()
        else:
            made, rebuilt = _make_data(today)
        with db.engine.begin() as connection:
            connection.execute(text(FUNCTIONS))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
        print(f"PostgreSQL: {MIPYMES:,} Mipymes, {VISITS:,} visits (made in {made:.0f} s); "
              f"kept rows rebuilt in {rebuilt:.1f} s; median of {ROUNDS} runs")
        print(f"{'as_of':>10} {'app ms':>8} {'hand ms':>8} {'ratio':>6}")
        for as_of in (today, today - timedelta(days=120)):
            window = start_of_day(as_of - timedelta(days=364), zone)
            end = start_of_day(as_of + timedelta(days=1), zone)
            year = max(y for y in UVT if y <= as_of.year)
            params = {"as_of": as_of, "end": end.replace(tzinfo=None), "window": window.replace(tzinfo=None),
                      "uvt_now": float(UVT[year])}

            def hand(params=params) -> dict:
                return db.session.execute(text(HAND), params).scalar_one()

            def app_side(as_of=as_of) -> dict:
                return programme_results(ResultFilters(as_of=as_of))

            app_ms, app_result = _median_ms(app_side)
            hand_ms, hand_result = _median_ms(hand)
            _same_numbers(app_result, hand_result)
            print(f"{as_of.isoformat():>10} {app_ms:>8.0f} {hand_ms:>8.0f} {app_ms / hand_ms:>5.2f}x")
        db.session.rollback()
        if not KEEP:
            db.drop_all()


if __name__ == "__main__":
    main()
