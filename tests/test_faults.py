"""Faults, for real: a gunicorn server killed with SIGKILL in the middle of a sync batch, an answer
lost after the commit, a database error in the middle of a batch, a full disk, an oversized photo.

The sync contract makes a retry always safe: the visit's UUID is the key, so whatever the server did
before it died, sending the batch again leaves the database as one send would.
"""
from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, func, select, text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from fieldwork.extensions import db
from fieldwork.models import Photo, Visit
from tests.builders import PASSWORD, make_mipyme, make_user, visit_payload
from tests.conftest import is_postgres, login
from tests.test_authz_matrix import tiny_jpeg

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`gunicorn -w 2 app:app` on a free loopback port, on the test database."""

    def __init__(self, database: str, instance: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "SECRET_KEY": "faults-test-secret", "DATABASE_URL": database,
                    "FIELDWORK_INSTANCE_PATH": str(instance), "FIELDWORK_PHOTO_FOLDER": str(instance / "photos")}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # Its own process group, so that SIGKILL reaches the master and both workers at once.
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{self.port}", "--timeout", "60", "app:app"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass  # still booting
            assert self.process.poll() is None, self.process.stderr.read().decode()
            time.sleep(0.1)
        raise AssertionError("gunicorn did not answer /healthz within 30 s")

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the processes whose parent is the master."""
        assert self.process is not None
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended while we looked
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no rollback by the app; the database must cope."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process.stderr.close()
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process.stderr.close()
            self.process = None


@pytest.fixture
def server(app, tmp_path) -> Iterator[Server]:
    running = Server(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    yield running
    running.stop()


@pytest.fixture
def officer(app):
    user = make_user("officer", username="faults-officer")
    return {"user": user, "mipyme": make_mipyme(user)}


def _phone_session(server: Server) -> requests.Session:
    """What the phone does before a sync: log in, keep the cookie, send the CSRF token."""
    session = requests.Session()
    body = session.post(server.url + "/api/v1/session", json={"username": "faults-officer", "password": PASSWORD},
                        timeout=10).json()
    session.headers["X-CSRFToken"] = body["csrf_token"]
    return session


def _stored(ids: list[str]) -> dict[str, int]:
    """How many rows each id has, read on a fresh connection (what the server committed)."""
    db.session.rollback()
    rows = db.session.execute(select(Visit.id, func.count()).where(Visit.id.in_(ids)).group_by(Visit.id)).all()
    db.session.rollback()  # no transaction left open: it would hold a lock the next DDL waits for
    return dict(rows)


@contextmanager
def _visits_table_locked(app) -> Iterator[Any]:
    """Hold a write lock on the visits so that a sync can start but cannot commit."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    connection = engine.connect()
    try:
        if is_postgres(app):
            connection.execute(text("BEGIN"))
            connection.execute(text("LOCK TABLE visits IN EXCLUSIVE MODE"))
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection
    finally:
        connection.rollback()
        connection.close()
        engine.dispose()


def _wait_for_blocked_sync(app, connection: Any, server: Server) -> None:
    """Return once the server's sync is waiting on our lock; fail if it never gets there.

    PostgreSQL lists the waiting query. SQLite shows nothing to poll, so watch the workers instead:
    a gunicorn sync worker sleeps only in SQLite's busy handler (nanosleep, while it waits for the
    write lock), never while idle (it waits in select), so a sleeping worker proves the batch is in.
    """
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if is_postgres(app):
            # Statistics are a snapshot per transaction, and the lock holder is inside one: refresh it.
            connection.execute(text("SELECT pg_stat_clear_snapshot()"))
            waiting = connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%visits%'"
            )).scalar_one()
        else:
            waiting = any("nanosleep" in _wait_channel(pid) for pid in server.worker_pids())
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the sync never reached the database")


def _wait_channel(pid: int) -> str:
    """The kernel function a process sleeps in (Linux /proc), or '' when it is gone."""
    try:
        return Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return ""


@pytest.mark.slow
def test_server_killed_in_the_middle_of_a_batch_then_the_retry_stores_each_visit_once(app, server, officer):
    server.start()
    phone = _phone_session(server)
    batch = [visit_payload(officer["mipyme"].id) for _ in range(200)]
    ids = [v["id"] for v in batch]
    answers: list[str] = []

    def send() -> None:  # the phone's request, in flight while the server dies
        try:
            answer = phone.post(server.url + "/api/v1/visits/sync", json={"visits": batch}, timeout=60)
            answers.append(f"answered {answer.status_code}")
        except requests.ConnectionError as error:
            answers.append(f"connection-error {type(error).__name__}")

    with _visits_table_locked(app) as lock:
        sending = threading.Thread(target=send)
        sending.start()
        _wait_for_blocked_sync(app, lock, server)
        server.kill()
        sending.join(timeout=30)
    outcome = answers[0] if answers else "no answer"
    assert outcome.startswith("connection-error"), outcome  # the phone got no answer: it keeps its outbox
    assert _stored(ids) == {}, "a killed batch left rows behind"

    server.start()
    phone = _phone_session(server)
    retry = phone.post(server.url + "/api/v1/visits/sync", json={"visits": batch}, timeout=60)
    assert retry.status_code == 200
    assert [r["status"] for r in retry.json()["results"]] == ["created"] * len(batch)
    again = phone.post(server.url + "/api/v1/visits/sync", json={"visits": batch}, timeout=60)
    assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
    assert _stored(ids) == dict.fromkeys(ids, 1)


def _batch_json(batch: list[dict[str, Any]]) -> str:
    return json.dumps({"visits": batch})


@pytest.mark.slow
def test_answer_lost_after_the_commit_then_the_retry_answers_duplicate(app, server, officer):
    server.start()
    phone = _phone_session(server)
    batch = [visit_payload(officer["mipyme"].id) for _ in range(20)]
    ids = [v["id"] for v in batch]
    body = _batch_json(batch).encode()
    request = (
        f"POST /api/v1/visits/sync HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-CSRFToken: {phone.headers['X-CSRFToken']}\r\nCookie: session={phone.cookies.get('session')}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)  # the phone loses its signal before the answer comes back
    deadline = time.monotonic() + 20
    while _stored(ids) != dict.fromkeys(ids, 1):
        assert time.monotonic() < deadline, "the server never committed the batch"
        time.sleep(0.05)
    retry = phone.post(server.url + "/api/v1/visits/sync", json={"visits": batch}, timeout=30)
    assert [r["status"] for r in retry.json()["results"]] == ["duplicate"] * len(batch)
    assert _stored(ids) == dict.fromkeys(ids, 1)


@contextmanager
def _failing_insert(app, marker: str) -> Iterator[None]:
    """A trigger that makes the database refuse one visit's insert: a real database error mid-batch."""
    with db.engine.begin() as connection:
        if is_postgres(app):
            connection.execute(text(
                "CREATE FUNCTION fail_marked_visit() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.notes = '{marker}' THEN RAISE EXCEPTION 'simulated disk error'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"))
            connection.execute(text("CREATE TRIGGER fail_marked_visit BEFORE INSERT ON visits "
                                    "FOR EACH ROW EXECUTE FUNCTION fail_marked_visit()"))
        else:
            connection.execute(text(
                f"CREATE TRIGGER fail_marked_visit BEFORE INSERT ON visits WHEN NEW.notes = '{marker}' "
                "BEGIN SELECT RAISE(ABORT, 'simulated disk error'); END"))
    try:
        yield
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER fail_marked_visit" + (" ON visits" if is_postgres(app) else "")))
            if is_postgres(app):
                connection.execute(text("DROP FUNCTION fail_marked_visit()"))


def test_database_error_in_the_middle_of_a_batch_rolls_it_all_back_with_a_5xx(app, client, officer):
    """Not a validation rejection (one bad visit, answered per item): the database itself failed, so
    the whole batch is undone and the phone, told 5xx, keeps every visit for the next try."""
    login(client, officer["user"])
    marker = f"falla-{uuid.uuid4().hex[:8]}"
    batch = [visit_payload(officer["mipyme"].id) for _ in range(3)]
    batch[1]["notes"] = marker
    ids = [v["id"] for v in batch]
    with _failing_insert(app, marker):
        response = client.post("/api/v1/visits/sync", json={"visits": batch})
        assert response.status_code == 500 and response.is_json
        assert "Nada se guardó a medias" in response.get_json()["error"]
        assert _stored(ids) == {}
    retry = client.post("/api/v1/visits/sync", json={"visits": batch})
    assert [r["status"] for r in retry.get_json()["results"]] == ["created"] * 3


def _upload(client: Any, visit_id: str, data: bytes) -> Any:
    """A multipart upload encoded in memory (the test client spools a large one to a file it never closes)."""
    boundary, body = encode_multipart({"photo_id": str(uuid.uuid4()),
                                       "file": FileStorage(io.BytesIO(data), "foto.jpg", content_type="image/jpeg")})
    return client.post(f"/api/v1/visits/{visit_id}/photos", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_oversized_photo_is_a_clear_413_and_the_visit_stays(app, client, officer):
    login(client, officer["user"])
    visit = visit_payload(officer["mipyme"].id)
    assert client.post("/api/v1/visits/sync", json={"visits": [visit]}).status_code == 200
    big = tiny_jpeg() + b"\0" * (app.config["MAX_PHOTO_BYTES"] + 1)
    response = _upload(client, visit["id"], big)
    assert response.status_code == 413 and response.is_json
    assert "MB" in response.get_json()["errors"]["file"][0]
    response = _upload(client, visit["id"], b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413 and response.is_json
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    assert _stored([visit["id"]]) == {visit["id"]: 1}


@pytest.fixture
def full_disk(app, tmp_path) -> Iterator[Path]:
    """A real full filesystem (a 64 KiB tmpfs, filled) as the photo folder; needs root to mount."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],  # noqa: S603,S607 (fixed arguments)
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        descriptor = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(descriptor, b"\0" * 4096)
        except OSError:
            pass  # full
        finally:
            os.close(descriptor)
        app.config["PHOTO_FOLDER"] = str(mount / "photos")
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)  # noqa: S603,S607 (fixed arguments)


def test_full_disk_gives_a_clear_error_and_keeps_nothing_half_written(app, client, officer, full_disk):
    login(client, officer["user"])
    visit = visit_payload(officer["mipyme"].id)
    client.post("/api/v1/visits/sync", json={"visits": [visit]})
    photo_id = str(uuid.uuid4())
    response = client.post(f"/api/v1/visits/{visit['id']}/photos",
                           data={"photo_id": photo_id, "file": (io.BytesIO(tiny_jpeg()), "f.jpg", "image/jpeg")})
    assert response.status_code == 507 and response.is_json, response.get_data(as_text=True)
    assert response.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    (full_disk / "filler").unlink()  # space again: the phone's retry of the same photo succeeds
    retry = client.post(f"/api/v1/visits/{visit['id']}/photos",
                        data={"photo_id": photo_id, "file": (io.BytesIO(tiny_jpeg()), "f.jpg", "image/jpeg")})
    assert retry.status_code == 201
