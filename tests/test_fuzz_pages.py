"""Every HTML route, for every role, with fuzzed query strings and form bodies: never a 5xx.

The API has schemathesis (tests/test_api_schemathesis.py); the pages take their input from query
strings and forms, which this fuzz draws with hypothesis: the routes' own parameter names (and the
names url_for and werkzeug treat specially) with odd values (huge and Unicode numbers, CR/LF,
`%`, markup, NUL-free odd text). `make fuzz` runs it longer (FIELDWORK_FUZZ_EXAMPLES).
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldwork import confirmation_links as links
from fieldwork.owners.views import form_prefix
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import form_token, login
from tests.test_fuzz_inputs import FUZZ, form_text

ROLES = ("anonymous", "officer", "supervisor", "owner", "admin")
#: Parameter names the pages read, and those that url_for, werkzeug and Flask-WTF treat specially.
KEYS = ["q", "page", "per_page", "officer_id", "mipyme_id", "mipyme", "flag", "sector", "neighborhood", "sort",
        "order", "date_from", "date_to", "review_status", "owner_confirmation", "inactive", "next", "lang",
        "_method", "endpoint", "_anchor", "_scheme", "_external", "csrf_token", "decision", "comment", "note",
        "revision", "username", "password", "current", "confirm", "name", "nit", "role", "active", "mipyme_ids",
        "visited_at", "topics", "production_units", "monthly_sales_cop", "employees", "id"]
ODD = ["99999999999999999999999", "2147483648", "-1", "0", "²", "٣", "①", "1e309", "NaN", "\r\nX-Injected: 1",
       "/\r\n//evil.example", "//evil.example", "%", "_", "%25%00", "abc", "2026-02-30", "9999-12-31", " ",
       "approved", "confirmed", "returned", "disputed", "desc", "never_visited", "alimentos"]
values = st.one_of(st.sampled_from(ODD), form_text)
fields = st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), values, max_size=5)
_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


@pytest.fixture
def world(app, make_client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer, name="Cerámica Atánquez")
    visit = make_visit(mipyme, officer)
    users = {"officer": officer, "supervisor": make_user("supervisor"), "owner": make_user("owner", mipyme=mipyme),
             "admin": make_user("admin")}
    clients = {"anonymous": make_client()}
    for role, user in users.items():
        clients[role] = make_client()
        with app.app_context():  # Flask-WTF caches the CSRF token in `g`: one context per client
            login(clients[role], user)
    values = {"mipyme_id": mipyme.id, "visit_id": visit.id, "user_id": officer.id,
              "token": links.make_token(visit), "fmt": "csv", "photo_id": "0" * 32}
    # A path argument of a route added later (and not listed here) gets 1: a 404 is fine, a 5xx is not.
    routes = [(method, _ARGUMENT.sub(lambda m: str(values.get(m.group(1), 1)), rule.rule))
              for rule in app.url_map.iter_rules()
              if not rule.rule.startswith(("/api/", "/static/"))
              for method in sorted(rule.methods & {"GET", "POST"})]
    tokens = {role: form_token(clients[role], "/login") for role in ROLES}
    return {"clients": clients, "routes": sorted(routes), "tokens": tokens, "prefix": form_prefix(visit)}


def _send(app, world, role, route, data):
    method, path = route
    client = world["clients"][role]
    with app.app_context():  # a fresh `g` per request, as a real request has
        if method == "GET":
            response = client.get(path, query_string=data)
        else:
            body = {**data, "csrf_token": world["tokens"][role]}
            body.update({f"{world['prefix']}-{key}": value for key, value in data.items()})
            response = client.post(path, data=body)
        response.close()
    return response


def _server_error(route: tuple[str, str], response: Any) -> bool:
    """A 5xx, except the OData feed's 501, which its protocol answers (with an OData error body) to what
    the feed does not do, such as a path into an entity."""
    if route[1].startswith("/odata/") and response.status_code == 501:
        return "error" not in (response.get_json(silent=True) or {})
    return response.status_code >= 500


def test_no_page_answers_5xx_to_any_query_string_or_form(app, world):
    @FUZZ
    @given(st.sampled_from(ROLES), st.sampled_from(world["routes"]), fields)
    def check(role, route, data):
        response = _send(app, world, role, route, data)
        assert not _server_error(route, response), (role, route, data, response.status_code)

    check()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "\r\nX: 1", "%"])
def test_every_page_survives_an_odd_value_in_every_parameter(app, world, role, value):
    """Not random: each page, every parameter name at once, with the worst values (found by the fuzz)."""
    for route in world["routes"]:
        response = _send(app, world, role, route, dict.fromkeys(KEYS, value))
        assert not _server_error(route, response), (role, route, value, response.status_code)
