"""Login throttles count atomically: guesses sent at the same moment never get past the limit, within one
worker (threads) or across several sharing Redis (processes), as `gunicorn --workers 4` runs it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from fieldwork import create_app
from fieldwork.config import TESTING
from fieldwork.extensions import db

LIMIT = 5  # as WORKER's RATELIMIT_LOGIN
ROOT = Path(__file__).resolve().parent.parent

#: One "worker": its own app (its own limiter and storage connection), firing `threads` wrong passwords at
#: once for one account from one address; prints the statuses it got.
WORKER = """
import json, sys, threading
from flask.testing import FlaskClient
from fieldwork import create_app
from fieldwork.config import TESTING
database, storage, username, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": True,
                  "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_LOGIN": "5 per minute",
                  "PASSWORD_HASH_METHOD": "pbkdf2:sha256:100000"})
app.test_client_class = FlaskClient
start, statuses = threading.Barrier(threads), []
def attempt():
    client = app.test_client()
    start.wait()
    statuses.append(client.post("/api/v1/session", json={"username": username, "password": "wrong-password"},
                                environ_base={"REMOTE_ADDR": "10.0.9.9"}).status_code)
workers = [threading.Thread(target=attempt) for _ in range(threads)]
for w in workers: w.start()
for w in workers: w.join()
print(json.dumps(statuses))
"""


def _fire(database: str, storage: str, username: str, threads: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WORKER, database, storage, username, str(threads)],  # noqa: S603 (our own script)
                            cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _statuses(process: subprocess.Popen[str]) -> list[int]:
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0
    return json.loads(out)


def test_simultaneous_wrong_passwords_never_get_past_the_limit(database, app):
    """Twelve guesses at the same moment against "5 per minute": five are checked, seven refused (the
    throttle used to check before it counted, so every one of them was checked)."""
    throttled = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": True,
                            "RATELIMIT_LOGIN": f"{LIMIT} per minute", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:100000"})
    throttled.test_client_class = FlaskClient
    start, statuses = threading.Barrier(12), []

    def attempt() -> None:
        client = throttled.test_client()
        start.wait()
        statuses.append(client.post("/api/v1/session", json={"username": "nadie", "password": "wrong-password"},
                                    environ_base={"REMOTE_ADDR": "10.0.8.8"}).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * LIMIT + [429] * (12 - LIMIT)
    with throttled.app_context():
        db.engine.dispose()


def _redis_or_skip() -> str:
    redis = pytest.importorskip("redis", reason="the redis package is not installed (requirements.txt)")
    url = os.environ.get("FIELDWORK_TEST_REDIS", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"no Redis server at {url}")
    return url


def test_two_workers_sharing_redis_share_one_count_and_never_pass_the_limit(database, app):
    """RATELIMIT_STORAGE_URI=redis://… as the README's production setup: two worker processes, eight
    simultaneous guesses each, one account and address: five checked in all, not five per worker."""
    url = _redis_or_skip()
    username = f"nadie-{uuid.uuid4().hex[:8]}"  # counts of earlier runs stay in Redis for their minute
    workers = [_fire(database, url, username, 8) for _ in range(2)]
    statuses = [status for worker in workers for status in _statuses(worker)]
    assert sorted(statuses) == [401] * LIMIT + [429] * (16 - LIMIT)
