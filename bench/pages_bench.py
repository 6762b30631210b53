"""One Mipyme's page (supervisor) and the owner's home, for a Mipyme with 30 visits and one with
3,000, in one run: their cost should not grow with the history (aim: within 1.5x).

    .venv/bin/python bench/pages_bench.py                      # SQLite file in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fw_bench .venv/bin/python bench/pages_bench.py

Through Flask's test client (the whole app without the network), median of --runs after a warm-up;
also prints the size of each page's HTML. The PostgreSQL database is emptied first. Works on older
commits too. Figures: bench/README.md.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from bench.bench_app import fresh_app  # noqa: E402
from fieldwork.extensions import db  # noqa: E402
from fieldwork.models import Mipyme, User, Visit  # noqa: E402
from fieldwork.web.security import hash_password  # noqa: E402

NOW = datetime(2025, 6, 15, 17, 0, tzinfo=UTC)
PASSWORD = "bench-password-1"  # noqa: S105 (a throwaway database)
SIZES = (30, 3_000)


def populate() -> dict[int, int]:
    """Two Mipymes (30 and 3,000 visits) among 200 others with 20 visits each; an owner for each."""
    rng = random.Random(7)  # noqa: S311 (reproducible test data, not secrets)
    db.session.execute(insert(User), [{"username": "officer", "name": "Ana Núñez", "role": "officer",
                                       "password_hash": "x", "active": True, "created_at": NOW},
                                      {"username": "sup", "name": "Sara", "role": "supervisor",
                                       "password_hash": hash_password(PASSWORD), "active": True, "created_at": NOW}])
    officer_id = db.session.scalar(select(User.id).where(User.username == "officer"))
    db.session.execute(insert(Mipyme), [
        {"name": f"Mipyme {i:03d}", "sector": "alimentos", "owner_name": "", "phone": "", "address": "",
         "neighborhood": "Comuna 1", "officer_id": officer_id, "active": True,
         "created_at": NOW - timedelta(days=4000), "updated_at": NOW} for i in range(202)])
    ids = list(db.session.scalars(select(Mipyme.id).order_by(Mipyme.id)))
    counts = {ids[0]: SIZES[0], ids[1]: SIZES[1], **{i: 20 for i in ids[2:]}}
    rows = []
    for mipyme_id, how_many in counts.items():
        for n in range(how_many):
            visited = NOW - timedelta(hours=n * 24 + rng.randrange(0, 12))
            rows.append({
                "id": str(uuid.UUID(int=rng.getrandbits(128))), "mipyme_id": mipyme_id, "officer_id": officer_id,
                "visited_at": visited, "topics": ["produccion", "comercializacion"], "content_hash": "0" * 64,
                "revision": 1, "production_units": rng.randrange(0, 500), "monthly_sales_cop": rng.randrange(0, 10**8),
                "employees": rng.randrange(0, 20), "needs": "Capital de trabajo", "notes": "Taller ordenado. " * 8,
                "owner_confirmation": rng.choice(("pending", "confirmed")), "review_status": "submitted",
                "received_at": visited, "updated_at": visited,
            })
    db.session.execute(insert(Visit), rows)
    owners = [{"username": f"owner{size}", "name": f"Owner {size}", "role": "owner", "mipyme_id": ids[k],
               "password_hash": hash_password(PASSWORD), "active": True, "created_at": NOW}
              for k, size in enumerate(SIZES)]
    db.session.execute(insert(User), owners)
    try:
        from fieldwork.mipymes.summary import rebuild  # noqa: PLC0415 (absent on commits before the summary table)
    except ImportError:
        rebuild = None
    if rebuild is not None:
        rebuild()
    db.session.commit()
    return {SIZES[0]: ids[0], SIZES[1]: ids[1]}


def logged_in(app, username: str):
    client = app.test_client()
    with app.app_context():
        response = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.get_data(as_text=True)
    return client


def timed(pages: dict[int, tuple[object, str]], runs: int) -> dict[int, tuple[float, int]]:
    """Median time and HTML size per page; the pages take turns, so a busy moment hits both alike."""
    sizes = {key: len(client.get(path).get_data()) for key, (client, path) in pages.items()}  # warm-up
    times: dict[int, list[float]] = {key: [] for key in pages}
    for _ in range(runs):
        for key, (client, path) in pages.items():
            start = time.perf_counter()
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            times[key].append(time.perf_counter() - start)
    return {key: (statistics.median(times[key]), sizes[key]) for key in pages}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    app, url = fresh_app(NOW)
    with app.app_context():
        mipyme_of = populate()
        db.session.remove()
    print(f"{url.split(':')[0]}: median of {args.runs} runs")
    supervisor = logged_in(app, "sup")
    for what, client_of, path_of in (
        ("supervisor's Mipyme page", lambda size: supervisor, lambda size: f"/supervision/mipymes/{mipyme_of[size]}"),
        ("owner's home", lambda size: logged_in(app, f"owner{size}"), lambda size: "/owner/"),
    ):
        results = timed({size: (client_of(size), path_of(size)) for size in SIZES}, args.runs)
        (small, small_bytes), (large, large_bytes) = results[SIZES[0]], results[SIZES[1]]
        print(f"{what:<26} 30 visits {small * 1000:7.1f} ms ({small_bytes / 1024:6.0f} KB)   "
              f"3,000 visits {large * 1000:7.1f} ms ({large_bytes / 1024:6.0f} KB)   ratio {large / small:5.2f}x")


if __name__ == "__main__":
    main()
