"""Bad input, fuzzed with hypothesis: the sync endpoint and the HTML forms.

Arbitrary JSON and form data (wrong types, huge numbers, deep nesting, odd Unicode, HTML and SQL
fragments) must never cause a 5xx, never leave a partial row, and stored text must come back
escaped on every page that shows it. `make fuzz` raises FIELDWORK_FUZZ_EXAMPLES for a longer run.
"""
from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select

from fieldwork import confirmation_links as links
from fieldwork.extensions import db
from fieldwork.models import Mipyme, Visit
from fieldwork.owners.views import form_prefix
from fieldwork.registry.views import PER_PAGE
from tests.builders import make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import form_token, login

EXAMPLES = int(os.environ.get("FIELDWORK_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])

FRAGMENTS = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'; DROP TABLE visits; --",
    "' OR '1'='1", "{{ 7*7 }}", "${7*7}", "%s%s%n", "\x00", "a\x00b", "\ud800", "\udfff",
    "\u202eevil", "e\u0301\u0301\u0301", "𝕱𝖎𝖊𝖑𝖉", "👩🏽‍🌾", "\r\n\t", " ", "", "null", "NaN",
    "1e309", "-0", "\\", "%", "_", "<!--", "]]>", "&amp;&lt;", "javascript:alert(1)",
]
nasty_text = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(FRAGMENTS), st.text(max_size=20)),
    st.text(min_size=2001, max_size=2100),
)
#: What a browser can put in a form: no lone surrogates (its UTF-8 encoder has already replaced them).
form_text = nasty_text.map(lambda text: text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace"))
numbers = st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.sampled_from([2**31, 2**63, -1, 0]),
                    st.floats(allow_nan=True, allow_infinity=True))
leaves = st.one_of(st.none(), st.booleans(), numbers, nasty_text)
json_values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)
VISIT_KEYS = ["id", "mipyme_id", "visited_at", "topics", "production_units", "monthly_sales_cop", "employees",
              "needs", "notes", "follow_up_due", "follow_up_reason", "location", "revision", "extra"]


def _mutated_visit(mipyme_id: int) -> st.SearchStrategy[Any]:
    """A valid visit with some fields swapped for anything at all: reaches past the first check."""
    return st.builds(
        lambda changes: {**visit_payload(mipyme_id), **changes},
        st.dictionaries(st.sampled_from(VISIT_KEYS), json_values, max_size=3),
    )


def _dumps(body: Any) -> bytes:
    # allow_nan: phones are not Python, a NaN or Infinity literal may arrive; lone surrogates stay escaped.
    return json.dumps(body, allow_nan=True).encode()


def _visit_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Visit))


@pytest.fixture
def officer_world(app, make_client):
    officer = make_user("officer")
    mine = make_mipyme(officer)
    client = make_client()
    login(client, officer)
    return {"officer": officer, "mipyme": mine, "client": client}


def _sync(app, client, body: bytes):
    with app.app_context():  # a fresh `g` per request (see test_authz_matrix)
        response = client.post("/api/v1/visits/sync", data=body, content_type="application/json")
        response.close()
    return response


def test_sync_never_fails_and_stores_only_what_it_acknowledges(app, officer_world):
    client, mipyme = officer_world["client"], officer_world["mipyme"]

    @FUZZ
    @given(st.lists(st.one_of(_mutated_visit(mipyme.id), json_values), max_size=5))
    def check(visits):
        before = _visit_count()
        response = _sync(app, client, _dumps({"visits": visits}))
        assert response.status_code < 500, response.get_data(as_text=True)
        if response.status_code != 200:
            assert _visit_count() == before
            return
        results = response.get_json()["results"]
        assert len(results) == len(visits)
        assert {r["status"] for r in results} <= {"created", "duplicate", "updated", "rejected"}
        created = [r["id"] for r in results if r["status"] == "created"]
        assert _visit_count() == before + len(created), "a row without its 'created', or the reverse"
        for result in results:
            if result["status"] in ("created", "updated"):
                assert db.session.get(Visit, result["id"]) is not None
            if result["status"] == "rejected":
                assert result["errors"] and all(isinstance(m, list) for m in result["errors"].values())

    check()


def test_sync_body_of_any_shape_is_a_4xx(app, officer_world):
    @FUZZ
    @given(st.one_of(json_values.map(_dumps), st.binary(max_size=200)))
    def check(body):
        before = _visit_count()
        response = _sync(app, officer_world["client"], body)
        assert response.status_code < 500, response.get_data(as_text=True)
        assert response.is_json
        if response.status_code != 200:
            assert _visit_count() == before

    check()


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"visits": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    b'{"visits": [{"a": ' * 20_000 + b"1" + b"}]" * 20_000 + b"}",
    b'{"visits": [' + b'{"id": "x", "mipyme_id": 1' + b"1" * 5000 + b"}]}",
    b'{"visits": [{"notes": "\\ud800"}]}',
    b'{"visits": NaN}',
], ids=["deep-array", "deep-visits", "deep-objects", "5000-digit-id", "lone-surrogate", "nan"])
def test_pathological_json_is_refused_cleanly(app, officer_world, body):
    response = _sync(app, officer_world["client"], body)
    assert 400 <= response.status_code < 500 or response.status_code == 200, response.status_code
    assert response.is_json
    assert _visit_count() == 0


def test_lone_surrogate_and_nul_in_a_visit_are_stored_repaired_not_a_500(app, officer_world):
    """Neither database can hold them (they were a 500 that blocked the phone's whole outbox): they
    become U+FFFD, as a browser's UTF-8 encoder makes them, and a replay is still a duplicate."""
    mipyme = officer_world["mipyme"]
    visits = [visit_payload(mipyme.id, notes="emoji cortado \ud83d"), visit_payload(mipyme.id, needs="a\x00b"),
              visit_payload(mipyme.id, follow_up_reason="bien \ud83d\ude00")]
    response = _sync(app, officer_world["client"], _dumps({"visits": visits}))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [r["status"] for r in response.get_json()["results"]] == ["created"] * 3
    assert db.session.get(Visit, visits[0]["id"]).notes == "emoji cortado \ufffd"
    assert db.session.get(Visit, visits[1]["id"]).needs == "a\ufffdb"
    assert db.session.get(Visit, visits[2]["id"]).follow_up_reason == "bien 😀"
    replay = _sync(app, officer_world["client"], _dumps({"visits": visits}))
    assert [r["status"] for r in replay.get_json()["results"]] == ["duplicate"] * 3


@pytest.mark.parametrize("path", ["/login?next=%00", "/mipymes?q=a%00b"])
def test_nul_in_a_query_or_form_is_a_400(app, client, path):
    make_user("supervisor", username="sofia")
    login(client, "sofia")
    with app.app_context():
        assert client.get(path).status_code == 400
    token = form_token(client, "/login")
    with app.app_context():
        response = client.post("/login", data={"username": "a\x00", "password": "x", "csrf_token": token})
    assert response.status_code == 400


# --- HTML forms ---------------------------------------------------------------------------------------

def _post_form(app, client, path: str, data: dict[str, Any]):
    with app.app_context():
        response = client.post(path, data=data)
        response.close()
    return response


def test_login_form_survives_anything(app, client):
    token = form_token(client, "/login")

    @FUZZ
    @given(st.dictionaries(st.sampled_from(["username", "password", "next", "remember", "other"]), form_text))
    def check(fields):
        response = _post_form(app, client, "/login", {**fields, "csrf_token": token})
        assert response.status_code in (200, 400), response.status_code

    check()


def test_mipyme_form_survives_anything_and_shows_names_escaped(app, make_client):
    supervisor, officer = make_user("supervisor"), make_user("officer")
    client = make_client()
    login(client, supervisor)
    names = ["name", "nit", "sector", "officer_id", "owner_name", "phone", "address", "neighborhood", "x"]

    @FUZZ
    @given(st.dictionaries(st.sampled_from(names), form_text), form_text)
    def check(fields, name):
        before = db.session.scalar(select(func.count()).select_from(Mipyme))
        data = {"name": name, "sector": "alimentos", "officer_id": str(officer.id), **fields}
        response = _post_form(app, client, "/mipymes/new", data)
        assert response.status_code in (200, 302, 400), response.status_code
        created = db.session.scalar(select(func.count()).select_from(Mipyme)) - before
        assert created == (1 if response.status_code == 302 else 0)

    check()
    listing = client.get("/mipymes").get_data(as_text=True)
    first_page = db.session.scalars(select(Mipyme.name).order_by(Mipyme.name).limit(PER_PAGE)).all()
    _assert_escaped(listing, list(first_page), "/mipymes", shown=True)


@pytest.fixture
def review_world(app, make_client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    visit = make_visit(mipyme, officer)
    clients = {}
    for role, user in (("supervisor", make_user("supervisor")), ("owner", make_user("owner", mipyme=mipyme)),
                       ("officer", officer)):
        clients[role] = make_client()
        with app.app_context():  # Flask-WTF caches the CSRF token in `g`: one context per client
            login(clients[role], user)
    return {"visit": visit, "mipyme": mipyme, "clients": clients}


def test_review_confirmation_and_link_forms_survive_anything(app, review_world, make_client):
    visit = review_world["visit"]
    prefix = form_prefix(visit)
    link = f"/c/{links.make_token(visit)}"
    anonymous = make_client()
    token = form_token(anonymous, link)
    targets = [
        ("supervisor", f"/supervision/visits/{visit.id}/review", "", ["decision", "comment"]),
        ("supervisor", f"/supervision/visits/{visit.id}/resolve", "", ["note"]),
        ("owner", f"/owner/visits/{visit.id}/confirmation", f"{prefix}-", ["decision", "comment"]),
        (None, link, "", ["decision", "comment", "revision"]),
        ("officer", "/visits/new", "", VISIT_KEYS),
    ]

    @FUZZ
    @given(st.sampled_from(targets), st.data())
    def check(target, data):
        role, path, field_prefix, fields = target
        values = data.draw(st.dictionaries(st.sampled_from(fields), st.one_of(
            form_text, st.sampled_from(["approved", "returned", "confirmed", "disputed", "1"]))))
        form = {field_prefix + key: value for key, value in values.items()}
        client = review_world["clients"][role] if role else anonymous
        if role is None:
            form["csrf_token"] = token
        response = _post_form(app, client, path, form)
        assert response.status_code < 500, (path, response.status_code)

    check()


# --- stored text comes back escaped -----------------------------------------------------------------

def _assert_escaped(html: str, texts: list[str | None], where: str, *, shown: bool = False) -> None:
    """No text appears raw; with `shown`, each one must appear escaped (a page that drops the text
    altogether would otherwise pass)."""
    for text in texts:
        if re.search(r"[<>\"']", text or "") and len(text.strip()) > 1:
            assert text.strip() not in html, f"{where} shows {text!r} unescaped"
        if shown and text:
            assert str(escape(text)) in html, f"{where} does not show {text!r}"


def test_text_from_phones_is_escaped_on_every_page_that_shows_it(app, review_world, make_client):
    officer_client = review_world["clients"]["officer"]
    mipyme = review_world["mipyme"]

    @settings(FUZZ, max_examples=max(EXAMPLES // 3, 6))
    @given(st.lists(st.one_of(st.sampled_from(FRAGMENTS[:7]), nasty_text), min_size=3, max_size=3))
    def check(texts):
        visit = visit_payload(mipyme.id, needs=texts[0], notes=texts[1][:2000], follow_up_reason=texts[2])
        response = _sync(app, officer_client, _dumps({"visits": [visit]}))
        assert response.status_code == 200, response.get_data(as_text=True)
        if response.get_json()["results"][0]["status"] != "created":
            return
        pages = [("supervisor", f"/supervision/visits/{visit['id']}"), ("supervisor", "/supervision/visits"),
                 ("owner", "/owner/"), ("officer", "/visits/mine"), ("supervisor", f"/supervision/mipymes/{mipyme.id}")]
        stored = db.session.get(Visit, visit["id"])
        shown = [stored.needs, stored.notes, stored.follow_up_reason]
        in_full = {f"/supervision/visits/{visit['id']}", f"/supervision/mipymes/{mipyme.id}"}
        for role, path in pages:
            with app.app_context():
                html = review_world["clients"][role].get(path).get_data(as_text=True)
            _assert_escaped(html, shown, path, shown=path in in_full)
        html = make_client().get(f"/c/{links.make_token(stored)}").get_data(as_text=True)
        _assert_escaped(html, shown, "/c/<token>")

    check()
