"""Visits per second through POST /api/v1/visits/sync, against raw inserts of the same rows.

    python bench/sync_bench.py                 # SQLite (a fresh file in a temporary folder)
    DATABASE_URL=postgresql://... python bench/sync_bench.py   # also PostgreSQL, in its own schema
    python bench/sync_bench.py --form          # the visits also answer a published 30-question form
    python bench/sync_bench.py --newest-first  # each batch older than what is stored (back-dated visits)

For each batch size (100 and 500) it sends the batches through the endpoint (Flask's test client:
the whole app, JSON, CSRF, session, validation, rules, ORM, audit, commit; no network), replays
them all (every answer `duplicate`), and inserts the same rows with the bare driver (`executemany`,
one transaction per batch). It prints visits/s and the ratio, and where the time goes.
On PostgreSQL only the schema `fieldwork_bench` is created and dropped; nothing else is touched.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.schema import CreateTable  # noqa: E402

from bench.bench_form import answers_check_us, publish_bench_form, with_answers  # noqa: E402
from fieldwork import create_app  # noqa: E402
from fieldwork.config import TESTING, _normalise_database_url  # noqa: E402
from fieldwork.extensions import db  # noqa: E402
from fieldwork.models import Mipyme, User, Visit  # noqa: E402
from fieldwork.visits.content import content_hash  # noqa: E402
from fieldwork.visits.schemas import VisitInputSchema  # noqa: E402
from fieldwork.visits.sync import _model_fields  # noqa: E402
from fieldwork.web.security import hash_password  # noqa: E402

TOTAL = 5000
BATCH_SIZES = (100, 500)
PG_SCHEMA = "fieldwork_bench"
PASSWORD = "bench-password-1"  # noqa: S105  (a throwaway user in a throwaway database)


def payloads(mipyme_ids: list[int], n: int, newest_first: bool = False) -> list[dict[str, Any]]:
    """Realistic visits: every field filled, notes of a few hundred characters, a GPS fix; oldest first, as
    a phone's outbox sends them, or newest first (every visit then ranks below what its Mipyme has)."""
    now = datetime.now(UTC)
    return [{
        "id": str(uuid.uuid4()),
        "mipyme_id": mipyme_ids[i % len(mipyme_ids)],
        "visited_at": (now - timedelta(minutes=i if newest_first else n - i)).isoformat(),
        "topics": ["produccion", "comercializacion"] if i % 2 else ["financiacion"],
        "production_units": 100 + i, "monthly_sales_cop": 4_500_000 + i, "employees": i % 12,
        "needs": "Capital de trabajo y un horno nuevo",
        "notes": ("Taller ordenado, buena disposición del equipo. " * 6)[:280],
        "follow_up_due": (now + timedelta(days=30)).date().isoformat(),
        "follow_up_reason": "Revisar el crédito", "revision": 1,
        "location": {"lat": 10.4631 + i * 1e-5, "lon": -73.2532, "accuracy_m": 12.0},
    } for i in range(n)]


def set_up(url: str) -> tuple[Any, Any, list[int]]:
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url, "PHOTO_FOLDER": tempfile.mkdtemp()})
    with app.app_context():
        db.create_all()
        officer = User(username="bench", name="Bench", role="officer", password_hash=hash_password(PASSWORD))
        db.session.add(officer)
        db.session.flush()
        mipymes = [Mipyme(name=f"M{i}", sector="comercio", officer_id=officer.id,
                          created_at=datetime(2025, 1, 1, tzinfo=UTC)) for i in range(40)]
        db.session.add_all(mipymes)
        db.session.commit()
        ids = [m.id for m in mipymes]
    client = app.test_client()
    token = client.post("/api/v1/session", json={"username": "bench", "password": PASSWORD}).get_json()["csrf_token"]
    client.environ_base["HTTP_X_CSRFTOKEN"] = token
    return app, client, ids


def send_all(client: Any, batches: list[list[dict]], expect: str) -> float:
    start = time.perf_counter()
    for batch in batches:
        response = client.post("/api/v1/visits/sync", json={"visits": batch})
        statuses = {r["status"] for r in response.get_json()["results"]}
        assert response.status_code == 200 and statuses == {expect}, (response.status_code, statuses)
    return time.perf_counter() - start


def raw_rows(app: Any, batches: list[list[dict]]) -> list[list[tuple]]:
    """The rows the endpoint stored, read back, with fresh ids: what a bare INSERT would write."""
    with app.app_context():
        stored = {v.id: v for v in db.session.scalars(db.select(Visit))}
        columns = Visit.__table__.columns
        # The driver gets what SQLAlchemy would hand it (UTC naive datetimes, "a,b" topics...).
        processors = {c.name: c.type.bind_processor(db.engine.dialect) for c in columns}
        out = []
        for batch in batches:
            rows = []
            for item in batch:
                visit = stored[item["id"]]
                values = {name: (process(getattr(visit, name)) if process else getattr(visit, name))
                          for name, process in processors.items()}
                values["id"] = str(uuid.uuid4())
                # psycopg adapts JSON at execute time, not in a bind processor: hand it the JSON text.
                values = {name: json.dumps(v) if isinstance(v, dict | list) else v for name, v in values.items()}
                rows.append(tuple(values[c.name] for c in columns))
            out.append(rows)
        return out


def raw_sqlite(app: Any, rows: list[list[tuple]]) -> float:
    folder = tempfile.mkdtemp()
    connection = sqlite3.connect(os.path.join(folder, "raw.sqlite"))
    with app.app_context():
        ddl = str(CreateTable(Visit.__table__).compile(dialect=db.engine.dialect))
    connection.execute(_without_foreign_keys(ddl))
    marks = ",".join("?" * len(rows[0][0]))
    start = time.perf_counter()
    for batch in rows:
        with connection:  # one transaction per batch, as the endpoint commits once per batch
            connection.executemany(f"INSERT INTO visits VALUES ({marks})", batch)  # noqa: S608
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def raw_postgres(app: Any, rows: list[list[tuple]]) -> float:
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("CREATE TABLE raw_visits (LIKE visits INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute("ALTER TABLE raw_visits ADD PRIMARY KEY (id)")
            raw.commit()
            marks = ",".join(["%s"] * len(rows[0][0]))
            start = time.perf_counter()
            for batch in rows:
                cursor.executemany(f"INSERT INTO raw_visits VALUES ({marks})", batch)  # noqa: S608
                raw.commit()
            return time.perf_counter() - start
        finally:
            raw.close()


def _without_foreign_keys(ddl: str) -> str:
    lines = [line for line in ddl.strip().splitlines() if "FOREIGN KEY" not in line]
    body = "\n".join(lines).rstrip().rstrip(")").rstrip().rstrip(",")
    return body + "\n)"


def breakdown(visits: list[dict]) -> dict[str, float]:
    """Microseconds per visit of the pieces that a bare INSERT does not do."""
    body = json.dumps({"visits": visits})
    schema = VisitInputSchema()
    start = time.perf_counter()
    json.loads(body)
    parse = time.perf_counter() - start
    start = time.perf_counter()
    loaded = [_model_fields(schema.load(v)) for v in visits]
    validate = time.perf_counter() - start
    start = time.perf_counter()
    for data in loaded:
        content_hash(data)
    hashing = time.perf_counter() - start
    n = len(visits)
    return {"JSON parse": parse / n * 1e6, "marshmallow validation": validate / n * 1e6,
            "content hash": hashing / n * 1e6}


def run(label: str, url: str, form: bool = False, newest_first: bool = False) -> None:
    print(f"\n== {label}" + (" (visits answering a 30-question form)" if form else "")
          + (" (newest first: every visit back-dated)" if newest_first else ""))
    for size in BATCH_SIZES:
        app, client, mipyme_ids = set_up(url)
        visits = payloads(mipyme_ids, TOTAL, newest_first)
        if form:
            with app.app_context():
                version_id = publish_bench_form()
                check = answers_check_us(version_id)
            visits = with_answers(visits, version_id)
        batches = [visits[i:i + size] for i in range(0, TOTAL, size)]
        first = send_all(client, batches, "created")
        replay = send_all(client, batches, "duplicate")
        rows = raw_rows(app, batches)
        raw = raw_postgres(app, rows) if url.startswith("postgresql") else raw_sqlite(app, rows)
        print(f"batches of {size:>3}: sync {TOTAL / first:8.0f} visits/s | replay {TOTAL / replay:8.0f} visits/s"
              f" | raw INSERT {TOTAL / raw:8.0f} rows/s | sync is {first / raw:5.1f}x the raw insert time"
              + (f" | answer check alone {check:.0f} µs/visit" if form else ""))
        with app.app_context():
            db.session.remove()
            db.drop_all()
            if url.startswith("postgresql"):
                with db.engine.begin() as connection:
                    connection.execute(text("DROP TABLE IF EXISTS raw_visits"))
            db.engine.dispose()
    pieces = breakdown(payloads(list(range(1, 41)), 1000))
    print("per visit, outside the database: " + ", ".join(f"{k} {v:.0f} µs" for k, v in pieces.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form", action="store_true", help="visits carry form_version_id and 30 answers")
    parser.add_argument("--newest-first", action="store_true",
                        help="send the newest visits first, so each ranks below what its Mipyme already has")
    args = parser.parse_args()
    form, newest_first = args.form, args.newest_first
    folder = tempfile.mkdtemp()
    run("SQLite (file, default journal)", "sqlite:///" + os.path.join(folder, "bench.sqlite"), form, newest_first)
    url = os.environ.get("DATABASE_URL")
    if url:
        url = _normalise_database_url(url)
        admin = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url})
        with admin.app_context(), db.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
        separator = "&" if "?" in url else "?"
        try:
            run("PostgreSQL", f"{url}{separator}options=-csearch_path%3D{PG_SCHEMA}", form, newest_first)
        finally:
            with admin.app_context(), db.engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))


if __name__ == "__main__":
    main()
