"""Security headers and cookies (OWASP ASVS 5.0 level 2, chapters V3.3 cookies and V3.4 headers)."""
from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest

from fieldwork import confirmation_links as links
from fieldwork import create_app
from fieldwork.config import TESTING
from fieldwork.extensions import db
from fieldwork.models import ROLES
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit
from tests.conftest import CsrfClient, _empty_all_tables, login

#: Policies under which a browser still sends a Referer on a same-origin form POST, which
#: Flask-WTF requires over HTTPS (WTF_CSRF_SSL_STRICT); `no-referrer` would break every form.
SAME_ORIGIN_REFERER = {"same-origin", "origin", "strict-origin", "origin-when-cross-origin",
                       "strict-origin-when-cross-origin", "no-referrer-when-downgrade"}
INLINE = [
    # A JSON data block (type="application/json") is never executed, so the policy allows it; the one
    # import map is allowed by its hash (tests/test_static_files.py checks that hash).
    (re.compile(r"<script(?![^>]*\b(?:src=|type=\"(?:application/json|importmap)\"))[^>]*>", re.I),
     "inline <script>"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<[a-z][^>]*=\s*[\"']?\s*javascript:", re.I), "javascript: URL"),
]


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = [d.strip().split() for d in policy.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def assert_hardened(response, where: str) -> None:
    """What every answer carries, page, JSON, worker or error alike."""
    csp = _csp(response)
    script = csp.get("script-src", csp.get("default-src"))
    # 'self', and at most the hash of the pages' import map (fieldwork/web/static_files.py): no other inline code.
    assert script[0] == "'self'" and len(script) <= 2, f"{where}: script-src {script}"
    assert all(source.startswith("'sha256-") for source in script[1:]), f"{where}: script-src {script}"
    assert "'unsafe-inline'" not in csp.get("style-src", []), where
    for directive, value in (("object-src", ["'none'"]), ("base-uri", ["'none'"]),
                             ("frame-ancestors", ["'none'"]), ("worker-src", ["'self'"]),
                             ("form-action", ["'self'"])):
        assert csp.get(directive) == value, f"{where}: {directive} {csp.get(directive)}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in SAME_ORIGIN_REFERER, where
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    assert "microphone=()" in response.headers.get("Permissions-Policy", ""), where


def _get_routes_without_arguments(app):
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static":
            yield rule.rule


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_page_and_api_answer_carries_the_headers(app, make_client, role):
    client = make_client()
    if role:
        officer = make_user("officer")
        login(client, make_user(role, mipyme=make_mipyme(officer) if role == "owner" else None))
    extra = ["/static/css/app.css", "/no-such-page", "/api/v1/no-such-thing"]
    for path in [*_get_routes_without_arguments(app), *extra]:
        with app.app_context():  # a fresh `g` per request (see test_authz_matrix)
            response = client.get(path)
            response.close()
        assert_hardened(response, f"GET {path} as {role}")
        if path.startswith("/api/"):
            assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_service_worker_gets_the_policy_too(client):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert_hardened(response, "/service-worker.js")
    assert response.headers["Service-Worker-Allowed"] == "/"


def test_pages_have_no_inline_script_or_style_the_policy_would_block(app, make_client):
    """With script-src/style-src 'self', inline code is silently ignored by the browser: none may exist."""
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    visit = make_visit(mipyme, officer, notes="<b onclick=alert(1)>nota</b>")
    people = [officer, make_user("supervisor"), make_user("admin"), make_user("owner", mipyme=mipyme)]
    pages = {"/login", f"/c/{links.make_token(visit)}"}
    for user in people:
        client = make_client()
        login(client, user)
        paths = [*_get_routes_without_arguments(app), f"/mipymes/{mipyme.id}/edit"]
        for path in paths:
            with app.app_context():
                response = client.get(path)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages.add(path)
                _assert_no_inline(response.get_data(as_text=True), f"{path} as {user.role}")
    anonymous = make_client()
    for path in ("/login", f"/c/{links.make_token(visit)}", "/offline"):
        _assert_no_inline(anonymous.get(path).get_data(as_text=True), path)
    assert len(pages) >= 8


def _assert_no_inline(html: str, where: str) -> None:
    for pattern, what in INLINE:
        found = pattern.search(html)
        assert found is None, f"{where}: {what}: {html[max(found.start() - 80, 0):found.end() + 40]}"


def test_over_plain_http_no_hsts_and_a_lax_httponly_cookie(client):
    make_user("officer", username="lucia")
    response = client.post("/api/v1/session", json={"username": "lucia", "password": PASSWORD})
    assert "Strict-Transport-Security" not in response.headers
    cookie = _session_cookie(response, "session")
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_request_that_arrived_over_https_gets_hsts(client):
    response = client.get("/login", base_url="https://fieldwork.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.fixture
def https_app(database):
    """The app as deployed behind HTTPS (FIELDWORK_HTTPS=1)."""
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": database, "FIELDWORK_HTTPS": True})
    app.test_client_class = CsrfClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables(app)
        db.engine.dispose()


def _session_cookie(response, name: str):
    for header in response.headers.getlist("Set-Cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if name in jar:
            return jar[name]
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def _csrf_field(page) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_behind_https_the_session_cookie_is_host_prefixed_secure_httponly_lax(https_app):
    make_user("officer", username="lucia")
    client = https_app.test_client()
    response = client.post("/api/v1/session", json={"username": "lucia", "password": PASSWORD},
                           base_url="https://fieldwork.example")
    assert response.status_code == 200
    cookie = _session_cookie(response, "__Host-session")
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]  # what the __Host- prefix demands
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_html_login_over_https_passes_flask_wtfs_referer_check(https_app):
    """A browser on our own page sends a same-origin Referer; Flask-WTF accepts it over HTTPS."""
    make_user("officer", username="lucia")
    client = https_app.test_client()
    base = "https://fieldwork.example"
    page = client.get("/login", base_url=base)
    assert page.headers["Referrer-Policy"] in SAME_ORIGIN_REFERER
    token = _csrf_field(page)
    form = {"username": "lucia", "password": PASSWORD, "csrf_token": token}
    refused = client.post("/login", data=form, base_url=base)  # what `no-referrer` would make browsers send
    assert refused.status_code == 400
    accepted = client.post("/login", data=form, base_url=base, headers={"Referer": f"{base}/login"})
    assert accepted.status_code == 302


def test_confirmation_link_page_over_https_keeps_a_same_origin_referer(https_app):
    """The link page hides its URL from other sites, but its own form must still pass the referer check."""
    officer = make_user("officer")
    visit = make_visit(make_mipyme(officer), officer)
    client = https_app.test_client()
    base = "https://fieldwork.example"
    url = f"/c/{links.make_token(visit)}"
    page = client.get(url, base_url=base)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] in SAME_ORIGIN_REFERER - {"no-referrer-when-downgrade", "origin",
                                                                     "origin-when-cross-origin"}
    token = _csrf_field(page)
    response = client.post(url, base_url=base, headers={"Referer": base + url},
                           data={"csrf_token": token, "decision": "confirmed", "revision": str(visit.revision)})
    assert response.status_code == 303


def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, client):
    make_user("officer", username="lucia")
    login(client, "lucia")
    stolen = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    with app.app_context():
        assert client.delete("/api/v1/session").status_code == 204
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    with app.app_context():
        assert thief.get("/api/v1/session").status_code == 401
