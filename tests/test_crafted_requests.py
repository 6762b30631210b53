"""Crafted requests an outside tester sent (issue 11, item 7): each answered 500, each must be a 4xx
or an ordinary page. One test per probe, named for what it sends."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import User, Visit
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import form_token, login

HUGE = "99999999999999999999999"


@pytest.fixture
def supervisor_client(app, client):
    officer = make_user("officer", username="olga")
    make_visit(make_mipyme(officer, name="Cerámica Atánquez"), officer)
    make_user("supervisor", username="sofia")
    login(client, "sofia")
    return client


def _get(app, client, path, **query):
    with app.app_context():  # a fresh `g` per request, as a real request has
        response = client.get(path, query_string=query)
        response.close()
    return response


@pytest.mark.parametrize("path", ["/supervision/", "/supervision/visits"])
@pytest.mark.parametrize("key", ["_method", "endpoint", "_anchor", "_scheme", "_external"])
@pytest.mark.parametrize("value", ["POST", "%", "https"])
def test_url_building_words_in_a_supervisor_query_string_are_ignored(app, supervisor_client, path, key, value):
    response = _get(app, supervisor_client, path, **{key: value})
    assert response.status_code == 200
    # The pager, sort and export links the page builds carry neither the word nor an anchor.
    assert not re.search(f'href="[^"]*[?&;]{key}=', response.get_data(as_text=True))


@pytest.mark.parametrize("value", [HUGE, "2147483648", "²", "٣", "-1", "abc"])
@pytest.mark.parametrize("path", ["/supervision/visits", "/supervision/visits.csv", "/supervision/visits.xlsx"])
def test_odd_mipyme_id_in_the_visit_log_is_ignored_not_a_500(app, supervisor_client, path, value):
    assert _get(app, supervisor_client, path, mipyme_id=value).status_code == 200


@pytest.mark.parametrize("key", ["officer_id", "page", "per_page"])
@pytest.mark.parametrize("value", [HUGE, "²", "-5"])
@pytest.mark.parametrize("path", ["/supervision/", "/supervision/visits", "/mipymes",
                                  "/supervision/mipymes.csv"])
def test_huge_or_odd_numbers_in_list_pages_answer_a_page(app, supervisor_client, path, key, value):
    assert _get(app, supervisor_client, path, **{key: value}).status_code == 200


def test_huge_page_number_in_the_registry_shows_the_last_page(app, supervisor_client):
    response = _get(app, supervisor_client, "/mipymes", page=HUGE)
    assert response.status_code == 200
    assert "Cerámica Atánquez" not in response.get_data(as_text=True)  # a page far past the end is empty


@pytest.mark.parametrize("path", [f"/supervision/mipymes/{HUGE}", f"/mipymes/{HUGE}/edit",
                                  "/supervision/visits/" + "f" * 400, "/api/v1/mipymes/" + HUGE])
def test_huge_ids_in_paths_are_404(app, supervisor_client, path):
    assert _get(app, supervisor_client, path).status_code == 404


@pytest.mark.parametrize("next_url", ["/supervision/\r\nSet-Cookie: x=1", "/\nLocation: //evil.example",
                                      "/ok\x7f", "/\tx"])
def test_control_characters_in_next_after_login_go_home(app, client, next_url):
    make_user("supervisor", username="sofia")
    token = form_token(client, "/login")
    with app.app_context():
        response = client.post("/login", query_string={"next": next_url},
                               data={"username": "sofia", "password": "correct-horse-9", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Set-Cookie: x" not in str(response.headers)


def test_control_characters_in_the_reassign_next_go_to_the_dashboard(app, supervisor_client):
    token = form_token(supervisor_client, "/supervision/")
    with app.app_context():
        response = supervisor_client.post("/supervision/reassign", data={
            "csrf_token": token, "next": "/supervision/\r\nX-Injected: 1", "mipyme_ids": "1", "officer_id": ""})
    assert response.status_code == 302
    assert response.headers["Location"] == "/supervision/"


@pytest.fixture
def officer_client(app, client):
    officer = make_user("officer", username="olga")
    mipyme = make_mipyme(officer)
    login(client, "olga")
    return client, mipyme


def _visit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Visit))


def _visit_form(mipyme, **changes):
    return {"mipyme_id": str(mipyme.id), "visited_at": "2026-01-05T10:00", "topics": "produccion", **changes}


@pytest.mark.parametrize("revision", ["abc", "²", HUGE, "-1", "1.5"])
def test_crafted_revision_on_the_visit_form_is_refused_not_a_500(app, officer_client, revision):
    client, mipyme = officer_client
    token = form_token(client, "/visits/new")
    with app.app_context():
        response = client.post("/visits/new", data={**_visit_form(mipyme, revision=revision), "csrf_token": token})
    assert 400 <= response.status_code < 500 or response.status_code == 200
    assert _visit_count() == 0


@pytest.mark.parametrize("field", ["production_units", "monthly_sales_cop", "employees"])
@pytest.mark.parametrize("value", ["²", "1²", "٣", "①"])
def test_unicode_digits_in_a_figure_get_a_message_beside_it(app, officer_client, field, value):
    client, mipyme = officer_client
    token = form_token(client, "/visits/new")
    with app.app_context():
        response = client.post("/visits/new", data={**_visit_form(mipyme, **{field: value}), "csrf_token": token})
    assert response.status_code == 200
    assert "Escriba un número entero" in response.get_data(as_text=True)
    assert _visit_count() == 0


@pytest.mark.parametrize("page", ["²", "٣", "99999999999999999999999"])
def test_odd_page_numbers_on_mis_visitas_show_a_page(app, officer_client, page):
    client, _mipyme = officer_client
    with app.app_context():
        assert client.get("/visits/mine", query_string={"page": page}).status_code == 200


@pytest.mark.parametrize("ids", [[HUGE], ["99999999999999999999"], ["2147483648"], ["1", "²"], ["-3"], ["abc"],
                                 [str(i) for i in range(1, 1_002)]])
def test_odd_or_too_many_mipyme_ids_in_the_reassignment_get_a_message_not_a_500(app, supervisor_client, ids):
    """`mipyme_ids=99999999999999999999` answered 500 (coerced to int, then refused by the database)."""
    token = form_token(supervisor_client, "/supervision/")
    officer_id = db.session.scalar(select(func.min(User.id)).where(User.role == "officer"))
    with app.app_context():
        response = supervisor_client.post("/supervision/reassign", data={
            "csrf_token": token, "mipyme_ids": ids, "officer_id": str(officer_id), "next": "/supervision/"})
    assert response.status_code == 302
    with app.app_context():
        page = supervisor_client.get("/supervision/").get_data(as_text=True)
    assert ("no es válida. Recargue la página" in page) or ("como máximo 1000 Mipymes" in page)
    assert "reasignada" not in page


def test_a_huge_next_after_the_reassignment_goes_to_the_dashboard(app, supervisor_client):
    token = form_token(supervisor_client, "/supervision/")
    with app.app_context():
        response = supervisor_client.post("/supervision/reassign", data={
            "csrf_token": token, "next": "/supervision/?q=" + "a" * 100_000, "mipyme_ids": "1", "officer_id": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/supervision/"
