"""Guessing is throttled (Flask-Limiter): logins and confirmation links, per account and per address."""
from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select

from fieldwork import confirmation_links as links
from fieldwork import create_app
from fieldwork.config import TESTING
from fieldwork.extensions import db, limiter
from fieldwork.models import Visit
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import CsrfClient, form_token, login


def _throttled(database, **config):
    """The app with throttling on (tests normally run with it off), a small limit and fresh counters."""
    throttled = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": True,
                            "RATELIMIT_LOGIN": "3 per minute", **config})
    throttled.test_client_class = CsrfClient
    return throttled


@pytest.fixture
def throttled_app(database, app):
    throttled = _throttled(database)
    with throttled.app_context():
        yield throttled
        db.session.remove()
        db.engine.dispose()


def _attempt(client, username, password="wrong-password", address="10.0.0.1"):  # noqa: S107
    return client.post("/api/v1/session", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_repeated_failures_for_one_account_from_one_address_are_refused_with_429(throttled_app):
    make_user("officer", username="lucia")
    client = throttled_app.test_client()
    statuses = [_attempt(client, "lucia").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    response = _attempt(client, "lucia", PASSWORD)  # from that address even the right password waits
    assert response.status_code == 429 and response.is_json


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, moved by hand (no waiting in tests); whole seconds keep CSRF tokens valid."""
    import math
    import time

    now = [math.floor(time.time()) + 1.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    limiter.reset()
    return now


def test_nobody_can_lock_an_account_and_the_slow_down_refuses_instead_of_sleeping(database, app, clock):
    """The outside tester locked any account with 10 wrong passwords a minute: now they only slow it.
    And slowing down no longer sleeps in the worker (eight wrong passwords held all four workers): a try
    that comes too soon is refused at once with Retry-After, and the one after the wait is checked."""
    import time

    throttled = _throttled(database, RATELIMIT_LOGIN="3 per minute", LOGIN_SLOWDOWN_AFTER=2)
    with throttled.app_context():
        make_user("officer", username="lucia")
        client = throttled.test_client()
        addresses = iter(f"10.0.0.{i}" for i in range(50))
        assert [_attempt(client, "lucia", address=next(addresses)).status_code for _ in range(3)] == [401] * 3
        for wait in (1, 2, 4, 4):  # the account's failures from the 3rd on: one try a second, 2 s, 4 s …
            started = time.perf_counter()
            refused = _attempt(client, "lucia", PASSWORD, address=next(addresses))
            assert time.perf_counter() - started < 0.5  # answered at once: no worker held
            assert refused.status_code == 429 and refused.headers["Retry-After"] == str(wait)
            assert "Hubo muchos intentos fallidos con esta cuenta" in refused.get_json()["error"]
            clock[0] += wait
            assert _attempt(client, "lucia", address=next(addresses)).status_code == 401
        clock[0] += 4
        response = _attempt(client, "lucia", PASSWORD, address=next(addresses))
        assert response.status_code == 200  # Lucía gets in after the wait, wherever the guesses came from
        db.session.remove()
        db.engine.dispose()


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


def test_page_and_api_share_one_count(throttled_app):
    """Three failures through the API, and the login page refuses the fourth (same username and address)."""
    make_user("officer", username="lucia")
    client = throttled_app.test_client()
    for _ in range(3):
        assert _attempt(client, "lucia", address="10.0.1.5").status_code == 401
    token = form_token(client, "/login")
    response = client.post("/login", data={"username": "lucia", "password": "x-x-x-x-x", "csrf_token": token},
                           environ_base={"REMOTE_ADDR": "10.0.1.5"})
    assert response.status_code == 429


def test_429_on_the_api_is_json_with_retry_after(throttled_app):
    client = throttled_app.test_client()
    for _ in range(3):
        _attempt(client, "nadie")
    response = _attempt(client, "nadie")
    assert response.status_code == 429 and response.is_json
    assert "Demasiados intentos" in response.get_json()["error"]
    assert int(response.headers["Retry-After"]) > 0


def test_behind_a_trusted_proxy_each_client_has_its_own_count(database, app):
    """Behind nginx (FIELDWORK_PROXY_HOPS=1) all requests come from 127.0.0.1; X-Forwarded-For tells them apart."""
    proxied = _throttled(database, FIELDWORK_PROXY_HOPS=1)
    with proxied.app_context():
        client = proxied.test_client()

        def attempt(name, client_ip):
            return client.post("/api/v1/session", json={"username": name, "password": "wrong-password"},
                               environ_base={"REMOTE_ADDR": "127.0.0.1"},
                               headers={"X-Forwarded-For": f"203.0.113.9, {client_ip}"})

        assert [attempt(f"u{i}", "198.51.100.1").status_code for i in range(4)] == [401, 401, 401, 429]
        assert attempt("otra", "198.51.100.2").status_code == 401  # another client is not locked out
        db.session.remove()
        db.engine.dispose()


def _link():
    officer = make_user("officer")
    visit = make_visit(make_mipyme(officer), officer)
    return visit, f"/c/{links.make_token(visit)}"


def test_confirmation_link_answers_are_throttled_per_link(throttled_app):
    visit, url = _link()
    client = throttled_app.test_client()
    token = form_token(client, url)
    statuses = [client.post(url, data={"csrf_token": token, "decision": "confirmed", "revision": "1"},
                            environ_base={"REMOTE_ADDR": f"10.0.2.{i}"}).status_code for i in range(4)]
    assert statuses == [303, 409, 409, 429]  # answered once, then "already answered", then refused
    page = client.post(url, data={"csrf_token": token}, environ_base={"REMOTE_ADDR": "10.0.2.99"})
    assert page.status_code == 429 and "Demasiados intentos" in page.get_data(as_text=True)


def test_probing_for_link_tokens_is_throttled_per_address(throttled_app):
    visit, url = _link()
    client = throttled_app.test_client()
    bad = [client.get(f"/c/forged-{i}", environ_base={"REMOTE_ADDR": "10.0.3.1"}).status_code for i in range(4)]
    assert bad == [400, 400, 400, 429]
    # The owner reading a genuine link from another address is not affected...
    assert client.get(url, environ_base={"REMOTE_ADDR": "10.0.3.2"}).status_code == 200
    # ...and genuine reads never count.
    assert all(client.get(url, environ_base={"REMOTE_ADDR": "10.0.3.3"}).status_code == 200 for _ in range(5))


# --- sync and photo uploads, per officer (issue 11, item 5) ------------------------------------------

def _officer_app(database, **limits):
    return _throttled(database, **{"RATELIMIT_SYNC": "1000 per minute", "RATELIMIT_SYNC_VISITS": "1000 per hour",
                                   "RATELIMIT_PHOTOS": "1000 per minute", **limits})


def _stored(ids):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Visit).where(Visit.id.in_(ids)))


def _sync(client, visits):
    return client.post("/api/v1/visits/sync", json={"visits": visits})


@pytest.fixture
def phone(database, app):
    """An officer's phone against an app whose sync allows 2 batches a minute."""
    throttled = _officer_app(database, RATELIMIT_SYNC="2 per minute")
    with throttled.app_context():
        officer = make_user("officer", username="olga")
        mipyme = make_mipyme(officer)
        client = throttled.test_client()
        login(client, officer)
        yield {"app": throttled, "client": client, "new": lambda: visit_payload(mipyme.id), "officer": officer}
        db.session.remove()
        db.engine.dispose()


def test_too_many_batches_answer_429_with_retry_after_and_store_nothing(phone):
    client = phone["client"]
    assert [_sync(client, [phone["new"]()]).status_code for _ in range(2)] == [200, 200]
    refused = [phone["new"](), phone["new"]()]
    response = _sync(client, refused)
    assert response.status_code == 429 and response.is_json
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Nada de este lote se guardó" in response.get_json()["errors"]["_schema"][0]
    assert _stored([v["id"] for v in refused]) == 0


def test_the_refused_batch_is_stored_once_sent_again_after_the_wait(phone):
    client = phone["client"]
    for _ in range(2):
        _sync(client, [phone["new"]()])
    refused = [phone["new"](), phone["new"]()]
    assert _sync(client, refused).status_code == 429
    limiter.reset()  # the window has passed (no sleeping in tests)
    response = _sync(client, refused)
    assert [r["status"] for r in response.get_json()["results"]] == ["created", "created"]
    assert _stored([v["id"] for v in refused]) == 2


def test_one_officers_throttle_leaves_the_others_alone(phone):
    for _ in range(3):
        _sync(phone["client"], [phone["new"]()])
    other = make_user("officer", username="omar")
    client = phone["app"].test_client()
    login(client, other)
    assert _sync(client, [visit_payload(make_mipyme(other).id)]).status_code == 200


def test_a_request_without_a_session_is_refused_and_does_not_count(phone):
    anonymous = phone["app"].test_client()
    assert all(_sync(anonymous, []).status_code in (400, 401) for _ in range(3))
    assert _sync(phone["client"], [phone["new"]()]).status_code == 200


def test_the_visits_limit_counts_visits_not_requests(database, app):
    throttled = _officer_app(database, RATELIMIT_SYNC_VISITS="5 per hour")
    with throttled.app_context():
        officer = make_user("officer", username="olga")
        mipyme = make_mipyme(officer)
        client = throttled.test_client()
        login(client, officer)
        assert _sync(client, [visit_payload(mipyme.id) for _ in range(3)]).status_code == 200
        second = [visit_payload(mipyme.id) for _ in range(3)]
        assert _sync(client, second).status_code == 429  # 6 visits > 5, though only 2 requests
        assert _stored([v["id"] for v in second]) == 0
        db.session.remove()
        db.engine.dispose()


def test_photo_uploads_are_throttled_per_officer(database, app):
    throttled = _officer_app(database, RATELIMIT_PHOTOS="1 per minute")
    with throttled.app_context():
        officer = make_user("officer", username="olga")
        visit = make_visit(make_mipyme(officer), officer)
        client = throttled.test_client()
        login(client, officer)

        def upload():
            data = io.BytesIO()
            Image.new("RGB", (8, 8), "teal").save(data, "JPEG")
            return client.post(f"/api/v1/visits/{visit.id}/photos", content_type="multipart/form-data",
                               data={"photo_id": str(uuid.uuid4()), "file": (io.BytesIO(data.getvalue()), "f.jpg")})

        assert upload().status_code == 201
        refused = upload()
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert "La foto sigue en el teléfono" in refused.get_json()["errors"]["_schema"][0]
        db.session.remove()
        db.engine.dispose()


def test_wrong_current_passwords_on_the_password_page_are_throttled(throttled_app):
    make_user("officer", username="lucia")
    client = throttled_app.test_client()
    login(client, "lucia")
    token = form_token(client, "/account/password")

    def change(current):
        return client.post("/account/password", data={"csrf_token": token, "current": current,
                                                      "password": "otra-clave-9", "confirm": "otra-clave-9"})

    assert [change("no-es-esta").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Demasiados intentos" in change(PASSWORD).get_data(as_text=True)  # even the right one waits


def test_retry_after_is_never_short_of_the_wait(phone, monkeypatch):
    """Flask-Limiter truncated Retry-After: with the limit's window ending at t+60.9 and the refusal at
    t+1.5 it said 59, and the phone, back at t+60.5, was refused again. Rounded up it says 60."""
    import math
    import time as clock

    start = math.floor(clock.time()) + 1  # a clock we move by hand (CSRF tokens must not look future)
    now = [start + 0.9]
    monkeypatch.setattr(clock, "time", lambda: now[0])
    limiter.reset()
    client = phone["client"]
    assert [_sync(client, [phone["new"]()]).status_code for _ in range(2)] == [200, 200]  # "2 per minute"
    now[0] = start + 1.5
    refused = _sync(client, [phone["new"]()])
    assert refused.status_code == 429
    waited = int(refused.headers["Retry-After"])
    now[0] += waited
    assert waited == 60 and _sync(client, [phone["new"]()]).status_code == 200
