"""Load: N officers syncing batches of visits against gunicorn on PostgreSQL, over loopback.

    .venv/bin/python bench/load.py [--officers 50] [--batch 20] [--duration 60] [--workers 4] [--think 0]

Recreates the schema of LOAD_DATABASE_URL (default: a database `fw_load` on the local PostgreSQL,
created if missing), seeds one Mipyme per officer, starts `gunicorn -w 4` on a free loopback port,
logs every officer in, then lets each officer's thread send batches back to back (after `--think`
seconds) until the time is up. A share of the batches (`--replay`) is sent a second time, as a phone
does when an answer is lost, and must answer `duplicate`. A failed batch is sent again, as the
outbox does. It prints throughput, p50/p95/p99 latency and errors, then checks that the database
holds every acknowledged visit exactly once. Exit status 1 on any error, loss or duplicate.
This load is far past an office's real day, so the per-officer throttles are raised for it; with
`--throttled` they stay at the production values: a 429 then waits its Retry-After, as the phone
does, and the run shows how soon an officer meets them (bench/README.md, "Throttles").
Traffic goes only to 127.0.0.1 and stops by itself (bounded in time and threads).
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fieldwork import create_app  # noqa: E402
from fieldwork.config import TESTING, _normalise_database_url  # noqa: E402
from fieldwork.extensions import db  # noqa: E402
from fieldwork.models import Mipyme, User  # noqa: E402
from fieldwork.web.security import hash_password  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/fw_load"
PASSWORD = "load-test-password-1"  # noqa: S105 (seeded bench accounts on a throwaway database)


@dataclass
class Officer:
    username: str
    mipyme_id: int
    latencies: list[float] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    replays: int = 0
    throttled: int = 0


def prepare_database(url: str, officers: int) -> list[Officer]:
    """Create the database if needed, recreate its schema with the migrations, seed the officers."""
    target = make_url(url)
    if target.get_backend_name() == "postgresql":
        admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
            if exists.scalar() is None:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
        admin.dispose()
    # Seeding uses a cheap password hash: logins are not what this measures.
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        with db.engine.begin() as connection:
            if target.get_backend_name() == "postgresql":
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        password_hash = hash_password(PASSWORD)
        seeded = []
        for n in range(officers):
            user = User(username=f"carga{n:03d}", name=f"Funcionario de carga {n}", role="officer",
                        password_hash=password_hash, active=True)
            db.session.add(user)
            db.session.flush()
            mipyme = Mipyme(name=f"Mipyme de carga {n}", sector="comercio", officer_id=user.id, active=True,
                            neighborhood="Comuna 1", created_at=datetime(2025, 1, 1, tzinfo=UTC))
            db.session.add(mipyme)
            db.session.flush()
            seeded.append(Officer(user.username, mipyme.id))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return seeded


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


UNTHROTTLED = {"FIELDWORK_RATELIMIT_SYNC": "1000000 per minute",
               "FIELDWORK_RATELIMIT_SYNC_VISITS": "100000000 per hour"}


def start_server(url: str, workers: int, port: int, throttled: bool = False) -> subprocess.Popen[bytes]:
    instance = ROOT / "instance" / "load"
    instance.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "load-test-" + uuid.uuid4().hex,
           "FIELDWORK_INSTANCE_PATH": str(instance), **({} if throttled else UNTHROTTLED)}
    log = open(instance / "gunicorn.log", "wb")  # noqa: SIM115 (kept open for the server's lifetime)
    print(f"gunicorn log: {instance / 'gunicorn.log'}")
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "120", "app:app"],
        cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def visit(mipyme_id: int, rng: random.Random) -> dict[str, Any]:
    """A realistic visit: every field filled, a few hundred characters of notes, a GPS fix."""
    visited = datetime.now(UTC) - timedelta(minutes=rng.randint(5, 60 * 24 * 20))
    return {
        "id": str(uuid.uuid4()), "mipyme_id": mipyme_id, "visited_at": visited.isoformat(),
        "topics": rng.sample(["produccion", "comercializacion", "financiacion", "formacion"], rng.randint(1, 3)),
        "production_units": rng.randint(0, 5000), "monthly_sales_cop": rng.randint(0, 80_000_000),
        "employees": rng.randint(0, 40), "needs": "Capital de trabajo y registro de marca.",
        "notes": "Visita de seguimiento; el taller está ordenado y cumple lo acordado. " * 4,
        "follow_up_due": (visited.date() + timedelta(days=30)).isoformat(), "follow_up_reason": "Revisar ventas",
        "location": {"lat": 10.4631 + rng.random() / 100, "lon": -73.2532 - rng.random() / 100, "accuracy_m": 12},
    }


@dataclass
class Run:
    """What every officer's thread shares."""

    base: str
    args: argparse.Namespace
    start: threading.Barrier
    stop_at: list[float]


def run_officer(officer: Officer, run: Run, seed: int) -> None:
    """Log in, wait for everyone, then sync until the time is up (a failed batch is sent again)."""
    base, args, start, stop_at = run.base, run.args, run.start, run.stop_at
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    session = requests.Session()
    body = session.post(f"{base}/api/v1/session", json={"username": officer.username, "password": PASSWORD},
                        timeout=30).json()
    session.headers["X-CSRFToken"] = body["csrf_token"]
    start.wait()
    pending: tuple[list[dict[str, Any]], str] | None = None  # the outbox: a batch and the answer it expects
    last: list[dict[str, Any]] | None = None
    while time.monotonic() < stop_at[0]:
        if pending is None:
            if last is not None and rng.random() < args.replay:
                pending = (last, "duplicate")  # the answer was "lost": the phone sends the batch again
            else:
                pending = ([visit(officer.mipyme_id, rng) for _ in range(args.batch)], "created")
        batch, expected = pending
        began = time.perf_counter()
        try:
            response = session.post(f"{base}/api/v1/visits/sync", json={"visits": batch}, timeout=60)
        except requests.RequestException as error:
            officer.errors.append(type(error).__name__)
            continue  # the outbox keeps the batch and tries again
        officer.latencies.append(time.perf_counter() - began)
        if response.status_code == 429:  # throttled: nothing stored; wait what the server says, send again
            officer.throttled += 1
            time.sleep(min(float(response.headers.get("Retry-After", "1")), max(0.0, stop_at[0] - time.monotonic())))
            continue
        if response.status_code != 200:
            officer.errors.append(f"HTTP {response.status_code}")
            continue
        statuses = [r["status"] for r in response.json()["results"]]
        if statuses != [expected] * len(batch):
            officer.errors.append(f"expected {expected}, got {sorted(set(statuses))}")
        if expected == "created":
            officer.acknowledged.update(v["id"] for v in batch)
        else:
            officer.replays += 1
        last, pending = batch, None
        if args.think:
            time.sleep(args.think)


def verify(url: str, officers: list[Officer]) -> tuple[int, int, int, int]:
    """(acknowledged, stored, lost, duplicated): every acknowledged visit must be there exactly once."""
    acknowledged = set().union(*(o.acknowledged for o in officers))
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, count(*) FROM visits GROUP BY id")).all()
    engine.dispose()
    stored = {row[0]: row[1] for row in rows}
    lost = len(acknowledged - stored.keys())
    duplicated = sum(count - 1 for count in stored.values() if count > 1)
    return len(acknowledged), len(stored), lost, duplicated


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1] if len(values) > 1 else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=0.0, help="seconds an officer waits between batches")
    parser.add_argument("--replay", type=float, default=0.1, help="share of batches sent twice")
    parser.add_argument("--throttled", action="store_true", help="keep the production per-officer throttles")
    args = parser.parse_args()
    if not (1 <= args.officers <= 200 and 1 <= args.batch <= 500 and 0 < args.duration <= 600):
        parser.error("bounded run: 1-200 officers, batches of 1-500, at most 600 s")
    url = _normalise_database_url(args.database)

    print(f"preparing {make_url(url).render_as_string(hide_password=True)}: {args.officers} officers")
    officers = prepare_database(url, args.officers)
    port = free_port()
    server = start_server(url, args.workers, port, throttled=args.throttled)
    base = f"http://127.0.0.1:{port}"
    start = threading.Barrier(args.officers + 1)
    stop_at = [float("inf")]
    run = Run(base, args, start, stop_at)
    threads = [threading.Thread(target=run_officer, args=(o, run, n), daemon=True) for n, o in enumerate(officers)]
    try:
        for thread in threads:
            thread.start()
        start.wait(timeout=300)
        began = time.monotonic()
        stop_at[0] = began + args.duration
        for thread in threads:
            thread.join(timeout=args.duration + 120)
        elapsed = time.monotonic() - began
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    latencies = [lat for o in officers for lat in o.latencies]
    errors = [e for o in officers for e in o.errors]
    acknowledged, stored, lost, duplicated = verify(url, officers)
    replays = sum(o.replays for o in officers)
    print(f"{args.officers} officers x batches of {args.batch}, {args.workers} gunicorn workers, "
          f"think {args.think:g} s, {elapsed:.1f} s")
    print(f"requests {len(latencies)} ({len(latencies) / elapsed:.1f}/s), of which replays {replays}; "
          f"visits acknowledged {acknowledged} ({acknowledged / elapsed:.0f}/s)")
    if latencies:
        print(f"latency ms: p50 {percentile(latencies, .50) * 1000:.0f}  p95 {percentile(latencies, .95) * 1000:.0f}  "
              f"p99 {percentile(latencies, .99) * 1000:.0f}  max {max(latencies) * 1000:.0f}")
    throttled = sum(o.throttled for o in officers)
    print(f"throttled (429, waited Retry-After): {throttled} answers, "
          f"{sum(1 for o in officers if o.throttled)} of {len(officers)} officers")
    print(f"errors {len(errors)} {sorted(set(errors))[:5]}")
    print(f"database: {stored} visits stored; lost {lost}, duplicated {duplicated}, "
          f"stored without acknowledgement {stored - acknowledged}")
    return 1 if errors or lost or duplicated else 0


if __name__ == "__main__":
    sys.exit(main())
