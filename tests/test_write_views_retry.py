"""Every write view commits through services.commit_with_retry (issue 16 item 18): a lock conflict at commit
(SQLite's "database is locked", PostgreSQL's lock timeout) is tried again instead of answering 500."""
from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, FormVersion, Mipyme, User
from tests.builders import make_mipyme, make_user
from tests.conftest import form_token, login
from tests.forms.fixtures import complete_form


@pytest.fixture
def locked_once() -> Iterator[list[str]]:
    """Once "armed" is put in it, the next write meets a lock, as when another worker holds the database."""
    hits: list[str] = []

    def refuse(session: Session, _context: object, _instances: object) -> None:
        if hits == ["armed"] and (session.new or session.dirty):
            hits[:] = ["locked"]
            raise OperationalError("INSERT", {}, Exception("database is locked"))

    event.listen(Session, "before_flush", refuse)
    yield hits
    event.remove(Session, "before_flush", refuse)


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_mipyme_registered_through_the_api_while_the_database_is_locked_is_stored_once(client, locked_once):
    login(client, make_user("supervisor"))
    locked_once.append("armed")
    response = client.post("/api/v1/mipymes", json={"name": "Mochilas Kankuamas", "sector": "artesanias",
                                                    "officer_id": None})
    assert locked_once == ["locked"]
    assert response.status_code == 201
    assert _count(Mipyme) == 1


def test_a_mipyme_registered_on_the_page_while_the_database_is_locked_is_stored_once(client, locked_once):
    login(client, make_user("supervisor"))
    token = form_token(client, "/mipymes/new")
    locked_once.append("armed")
    response = client.post("/mipymes/new", data={"csrf_token": token, "name": "Mochilas Kankuamas",
                                                  "sector": "artesanias", "officer_id": ""})
    assert locked_once == ["locked"]
    assert response.status_code == 302
    assert _count(Mipyme) == 1


def test_an_account_made_by_the_admin_while_the_database_is_locked_is_stored_once(client, locked_once):
    login(client, make_user("admin"))
    users = _count(User)
    token = form_token(client, "/admin/users/new")
    locked_once.append("armed")
    response = client.post("/admin/users/new", data={
        "csrf_token": token, "username": "nueva", "password": "una clave bien larga", "role": "officer",
        "name": "Nueva"})
    assert locked_once == ["locked"]
    assert response.status_code == 302
    assert _count(User) == users + 1


def test_a_form_uploaded_while_the_database_is_locked_is_stored_once(client, locked_once):
    login(client, make_user("supervisor"))
    locked_once.append("armed")
    response = client.post("/api/v1/forms", data={"file": (io.BytesIO(complete_form()), "programa.xlsx")},
                           content_type="multipart/form-data")
    assert locked_once == ["locked"]
    assert response.status_code == 201, response.get_json()
    assert _count(FormVersion) == 1


def test_a_reassignment_while_the_database_is_locked_is_kept(client, locked_once):
    supervisor = make_user("supervisor")
    officer = make_user("officer")
    mipyme = make_mipyme(None)
    login(client, supervisor)
    token = form_token(client, "/supervision/")
    locked_once.append("armed")
    response = client.post("/supervision/reassign", data={"csrf_token": token, "mipyme_ids": str(mipyme.id),
                                                          "officer_id": str(officer.id)})
    assert locked_once == ["locked"]
    assert response.status_code == 302
    assert db.session.scalar(select(Mipyme.officer_id).where(Mipyme.id == mipyme.id)) == officer.id
    assert _count(AuditEntry) >= 1
