"""Repeated failed logins for one username or one address are refused with 429 (Flask-Limiter)."""
from __future__ import annotations

import pytest

from fieldwork import create_app
from fieldwork.config import TESTING
from fieldwork.extensions import db
from tests.builders import PASSWORD, make_user
from tests.conftest import CsrfClient, form_token


@pytest.fixture
def throttled_app(database, app):
    """The app with throttling on (tests normally run with it off) and a small limit."""
    throttled = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": database,
                            "RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "3 per minute"})
    throttled.test_client_class = CsrfClient
    with throttled.app_context():
        yield throttled
        db.session.remove()
        db.engine.dispose()


def _attempt(client, username, password="wrong-password", address="10.0.0.1"):
    return client.post("/api/v1/session", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_repeated_failures_for_one_username_are_refused_with_429(throttled_app):
    make_user("officer", username="lucia")
    client = throttled_app.test_client()
    statuses = [_attempt(client, "lucia", address=f"10.0.0.{i}").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    # Even the right password waits: guessing cannot continue from new addresses.
    response = _attempt(client, "lucia", PASSWORD, address="10.0.0.99")
    assert response.status_code == 429 and response.is_json


def test_repeated_failures_from_one_address_are_refused_across_usernames(throttled_app):
    client = throttled_app.test_client()
    statuses = [_attempt(client, f"user{i}").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_successful_logins_do_not_count(throttled_app):
    make_user("officer", username="lucia")
    client = throttled_app.test_client()
    assert all(_attempt(client, "lucia", PASSWORD).status_code == 200 for _ in range(5))


def test_login_page_shows_spanish_message_when_throttled(throttled_app):
    make_user("officer", username="lucia")
    client = throttled_app.test_client()
    token = form_token(client, "/login")
    for _ in range(3):
        client.post("/login", data={"username": "lucia", "password": "nope-nope", "csrf_token": token})
    response = client.post("/login", data={"username": "lucia", "password": "nope-nope", "csrf_token": token})
    assert response.status_code == 429
    assert "Demasiados intentos" in response.get_data(as_text=True)
