"""Fixtures: an app on a migrated database (SQLite, or PostgreSQL when DATABASE_URL is set),
clients that keep CSRF on, and login helpers."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import text

from fieldwork import create_app
from fieldwork.config import TESTING, _normalise_database_url
from fieldwork.extensions import db
from tests.builders import PASSWORD

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def database_url(tmp_dir: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return _normalise_database_url(url)
    return "sqlite:///" + os.path.join(tmp_dir, "test.sqlite")


def is_postgres(app: Flask) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One migrated database for the whole run: `flask db upgrade`, exactly as production does."""
    from flask_migrate import upgrade

    url = database_url(str(tmp_path_factory.mktemp("db")))
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        with db.engine.begin() as connection:
            if url.startswith("postgresql"):
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app(database: str, tmp_path: Any) -> Iterator[Flask]:
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": database, "PHOTO_FOLDER": str(tmp_path / "photos")})
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables(app)
        db.engine.dispose()


def _empty_all_tables(app: Flask) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:  # noqa: SIM117
        if is_postgres(app):
            connection.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
        else:
            connection.execute(text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (names from our own metadata)


class CsrfClient(FlaskClient):
    """A test client that behaves like the phone: it sends X-CSRFToken on unsafe API calls
    once it has a token (set by `login`). `csrf=False` on a call leaves the header off."""

    csrf_token: str | None = None

    def open(self, *args: Any, **kwargs: Any) -> Any:
        # The `app` fixture keeps one app context open, and a request reuses it: without this,
        # Flask-Login's cached user and Flask-WTF's cached token would leak from one client (one
        # phone) to the next. A real request starts with an empty `g`.
        g.__dict__.clear()
        send_csrf = kwargs.pop("csrf", True)
        method = (kwargs.get("method") or "GET").upper()
        if send_csrf and self.csrf_token and method in UNSAFE:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> CsrfClient:
    app.test_client_class = CsrfClient
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def make_client(app: Flask):
    """Several independent browsers/phones in one test."""

    def build() -> CsrfClient:
        app.test_client_class = CsrfClient
        return app.test_client()  # type: ignore[return-value]

    return build


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


def login(client: CsrfClient, user_or_name: Any, password: str = PASSWORD) -> dict[str, Any]:
    """Log in through the JSON session API and keep the CSRF token on the client."""
    username = getattr(user_or_name, "username", user_or_name)
    response = client.post("/api/v1/session", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    client.csrf_token = body["csrf_token"]
    return body


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def form_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on `path`, as a browser would read it."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no csrf_token on {path}"
    return match.group(1) or match.group(2)
