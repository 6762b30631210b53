"""The authorization matrix: every route of the URL map × every kind of caller, with its answer.

Seven callers: nobody, the officer who owns the record, another officer, a supervisor, the owner of
the record's Mipyme, another Mipyme's owner, an admin. Each route is called on the records of
officer A / owner A, then on those of officer B / owner B with the personas swapped, so an answer
that depends on whose record it is (an IDOR) shows. A route missing from MATRIX fails
`test_every_route_is_in_the_matrix`: no route ships unchecked. Every GET must leave the database
as it found it (rows of every table counted before and after).
"""
from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from fieldwork import confirmation_links as links
from fieldwork.extensions import db
from fieldwork.forms import services as forms
from fieldwork.models import ROLES, UvtValue
from fieldwork.owners.views import form_prefix
from fieldwork.web.security import PUBLIC
from tests.builders import make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import form_token, login
from tests.forms.fixtures import programme_form

PERSONAS = ("anonymous", "officer", "other_officer", "supervisor", "owner", "other_owner", "admin")
#: Order of the calls within one route: refusals first, so a permitted change cannot hide one.
CALL_ORDER = ("anonymous", "other_officer", "other_owner", "owner", "officer", "supervisor", "admin")
_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")
LOGIN = "302>/login"


@dataclass(frozen=True)
class Entry:
    """Expected answers, in PERSONAS order, and what to send ("302>/path" = redirect there)."""

    answers: str
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    form: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    #: What of the JSON answer to add to the status ("200:created,updated"), when the status alone
    #: cannot tell a refusal (a sync answers 200 with a per-visit `rejected`).
    detail: Callable[[Any], str] | None = None

    def expected(self) -> dict[str, str]:
        codes = self.answers.split()
        assert len(codes) == len(PERSONAS), self.answers
        return dict(zip(PERSONAS, codes, strict=True))


def _decision(record: dict[str, Any]) -> dict[str, Any]:
    return {"decision": "confirmed"}


def _mipyme_change(record: dict[str, Any]) -> dict[str, Any]:
    return {"phone": "300 555 0101"}


def _new_place(record: dict[str, Any]) -> dict[str, Any]:
    return {"name": f"Barrio {uuid.uuid4().hex[:8]}"}


def _next_uvt(record: dict[str, Any]) -> dict[str, Any]:
    """A year not stored yet (each admin call adds one)."""
    return {"year": 2006 + db.session.scalar(select(func.count()).select_from(UvtValue)), "value_cop": 20000}


def _new_mipyme(record: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Nueva", "sector": "alimentos", "officer_id": record["officer"].id}


def _link_form(record: dict[str, Any]) -> dict[str, Any]:
    return {"decision": "confirmed", "revision": str(record["visit"].revision)}


def _owner_form(record: dict[str, Any]) -> dict[str, Any]:
    prefix = form_prefix(record["visit"])
    return {f"{prefix}-decision": "confirmed", f"{prefix}-revision": str(record["visit"].revision)}


def _sync_batch(record: dict[str, Any]) -> dict[str, Any]:
    """A new visit to the record's Mipyme, and an edit of the record's stored visit."""
    edit = visit_payload(record["mipyme"].id, id=record["visit"].id, revision=2, notes="Corregida")
    return {"visits": [visit_payload(record["mipyme"].id), edit]}


def _sync_statuses(body: Any) -> str:
    return ",".join(result["status"] for result in body["results"])


def _review(record: dict[str, Any]) -> dict[str, Any]:
    return {"decision": "returned", "comment": "Falta la foto del taller.", "revision": str(record["visit"].revision)}


def _resolution(record: dict[str, Any]) -> dict[str, Any]:
    return {"note": "Hablamos con el propietario.", "outcome": "record_stands",
            "revision": str(record["visit"].revision)}


def _reassign(record: dict[str, Any]) -> dict[str, Any]:
    return {"mipyme_ids": [str(record["mipyme"].id)], "officer_id": str(record["officer"].id)}


def _photo(record: dict[str, Any]) -> dict[str, Any]:
    return {"photo_id": str(uuid.uuid4()), "file": (io.BytesIO(tiny_jpeg()), "foto.jpg", "image/jpeg")}


def tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


def _login_form(record: dict[str, Any]) -> dict[str, Any]:
    return {"username": "nadie", "password": "nada-nada"}


def _empty(record: dict[str, Any]) -> dict[str, Any]:
    return {}


def _reviewed(record: dict[str, Any]) -> dict[str, Any]:
    """The changes marked as read, against the version current when the page was shown."""
    return {"reviewed": "y", "compared_with": str(forms.current_version().id)}


def _mipyme_sheet(record: dict[str, Any]) -> dict[str, Any]:
    return {"file": (io.BytesIO(b"nit,name,sector\n900123456-8,Importada,otro\n"), "mipymes.csv"), "dry_run": "1"}


def _xlsform(record: dict[str, Any]) -> dict[str, Any]:
    """A new version each call (a version already uploaded is refused)."""
    return {"file": (io.BytesIO(programme_form(version=uuid.uuid4().hex)), "seguimiento.xlsx")}


def _published_form(supervisor: Any, label: str) -> Any:
    version = forms.upload_form(supervisor, programme_form(version=f"matriz-{label}"), "seguimiento.xlsx")
    forms.publish_form(supervisor, version)
    db.session.commit()
    return version


# Columns: anonymous, officer, other officer, supervisor, owner, other owner, admin.
# API: 401 without a session, 403 for a role the route does not admit, 404 for a record the caller
# may not know of. Pages: a redirect to the login, 403, or 404. Redirects say where they go.
MATRIX: dict[tuple[str, str], Entry] = {
    # core
    ("GET", "/"): Entry(f"{LOGIN} 302>/visits/ 302>/visits/ 302>/supervision/ 302>/owner/ 302>/owner/ "
                        "302>/admin/users"),
    ("POST", "/lang"): Entry("302>/ 302>/ 302>/ 302>/ 302>/ 302>/ 302>/", form=_empty),
    ("GET", "/offline"): Entry("200 200 200 200 200 200 200"),
    ("GET", "/manifest.webmanifest"): Entry("200 200 200 200 200 200 200"),
    ("GET", "/service-worker.js"): Entry("200 200 200 200 200 200 200"),
    ("GET", "/healthz"): Entry("200 200 200 200 200 200 200"),
    # auth
    ("GET", "/login"): Entry("200 200 200 200 200 200 200"),
    ("POST", "/login"): Entry("200 200 200 200 200 200 200", form=_login_form),
    ("POST", "/logout"): Entry(f"{LOGIN} 302>/login 302>/login 302>/login 302>/login 302>/login 302>/login",
                               form=_empty),
    ("GET", "/account/password"): Entry(f"{LOGIN} 200 200 200 200 200 200"),
    ("POST", "/account/password"): Entry(f"{LOGIN} 200 200 200 200 200 200", form=_empty),
    ("GET", "/account"): Entry(f"{LOGIN} 200 200 200 200 200 200"),
    ("POST", "/account/tokens"): Entry(f"{LOGIN} 403 403 200 403 403 200", form=lambda r: {"name": "Excel"}),
    ("POST", "/account/tokens/<int:token_id>/revoke"): Entry(f"{LOGIN} 403 403 404 403 403 404", form=_empty),
    # registry (pages)
    ("GET", "/admin/users"): Entry(f"{LOGIN} 403 403 403 403 403 200"),
    ("GET", "/admin/users/new"): Entry(f"{LOGIN} 403 403 403 403 403 200"),
    ("POST", "/admin/users/new"): Entry(f"{LOGIN} 403 403 403 403 403 200", form=_empty),
    ("POST", "/admin/users/<int:user_id>/active"): Entry(f"{LOGIN} 403 403 403 403 403 302>/admin/users",
                                                         form=_empty),
    ("POST", "/admin/users/<int:user_id>/password"): Entry(f"{LOGIN} 403 403 403 403 403 302>/admin/users",
                                                           form=_empty),
    ("GET", "/mipymes"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("GET", "/mipymes/new"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("POST", "/mipymes/<int:mipyme_id>/status"): Entry(f"{LOGIN} 403 403 400 403 403 400", form=_empty),
    ("GET", "/neighborhoods"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("POST", "/neighborhoods"): Entry(f"{LOGIN} 403 403 400 403 403 400", form=_empty),
    ("GET", "/admin/uvt"): Entry(f"{LOGIN} 403 403 403 403 403 200"),
    ("POST", "/admin/uvt"): Entry(f"{LOGIN} 403 403 403 403 403 400", form=_empty),
    ("GET", "/mipymes/import"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("POST", "/mipymes/import"): Entry(f"{LOGIN} 403 403 400 403 403 400", form=_empty),
    ("POST", "/mipymes/import/apply"): Entry(f"{LOGIN} 403 403 302>/mipymes/import 403 403 302>/mipymes/import",
                                             form=_empty),
    ("GET", "/mipymes/import/plantilla.csv"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("POST", "/mipymes/new"): Entry(f"{LOGIN} 403 403 200 403 403 200", form=_empty),
    ("GET", "/mipymes/<int:mipyme_id>/edit"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("POST", "/mipymes/<int:mipyme_id>/edit"): Entry(f"{LOGIN} 403 403 200 403 403 200", form=_empty),
    ("POST", "/mipymes/<int:mipyme_id>/owner-account"): Entry(f"{LOGIN} 403 403 400 403 403 400", form=_empty),
    ("POST", "/mipymes/<int:mipyme_id>/active"): Entry(f"{LOGIN} 403 403 302>/mipymes 403 403 302>/mipymes",
                                                       form=_empty),
    # homes
    ("GET", "/visits/"): Entry(f"{LOGIN} 200 200 403 403 403 403"),
    ("GET", "/visits/mine"): Entry(f"{LOGIN} 200 200 403 403 403 403"),
    ("GET", "/visits/new"): Entry(f"{LOGIN} 200 200 403 403 403 403"),
    ("POST", "/visits/new"): Entry(f"{LOGIN} 200 200 403 403 403 403", form=_empty),
    ("GET", "/supervision/"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("GET", "/supervision/mipymes.<fmt>"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("GET", "/supervision/visits.<fmt>"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("GET", "/supervision/mipymes/<int:mipyme_id>"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("GET", "/supervision/visits"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("GET", "/supervision/results"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("GET", "/supervision/results.<fmt>"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("GET", "/supervision/visits/<visit_id>"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("POST", "/supervision/reassign"): Entry(f"{LOGIN} 403 403 302>/supervision/ 403 403 302>/supervision/",
                                             form=_reassign),
    ("POST", "/supervision/visits/<visit_id>/review"): Entry(
        f"{LOGIN} 403 403 302>/supervision/visits/<visit_id> 403 403 403", form=_review),
    ("POST", "/supervision/visits/<visit_id>/resolve"): Entry(
        f"{LOGIN} 403 403 409 403 403 403", form=_resolution),  # 409: the visit is not disputed
    ("GET", "/owner/"): Entry(f"{LOGIN} 403 403 403 200 200 403"),
    # the programme's form (pages); the upload's 400 is the empty form's "choose a file"
    ("GET", "/supervision/forms/"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("POST", "/supervision/forms/"): Entry(f"{LOGIN} 403 403 400 403 403 400", form=_empty),
    ("GET", "/supervision/forms/<int:version_id>"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("POST", "/supervision/forms/<int:version_id>/publish"): Entry(
        f"{LOGIN} 403 403 302>/supervision/forms/ 403 403 302>/supervision/forms/", form=_reviewed),
    ("GET", "/supervision/forms/<int:version_id>/file"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("POST", "/supervision/forms/<int:version_id>/delete"): Entry(
        f"{LOGIN} 403 403 302>/supervision/forms/ 403 403 302>/supervision/forms/", form=_empty),
    # owners
    ("GET", "/c/<token>"): Entry("200 200 200 200 200 200 200"),
    # The link is the credential for its visit's photos too (of that visit only).
    ("GET", "/c/<token>/photos/<photo_id>"): Entry("200 200 200 200 200 200 200"),
    # The link's holder answers once (nobody is logged in on the owner's phone); anyone logged in
    # who is not that Mipyme's owner is refused (403), and after the answer its owner gets 409.
    ("POST", "/c/<token>"): Entry("303>/c/<token> 403 403 403 409 403 403", form=_link_form),
    ("GET", "/mipymes/<int:mipyme_id>/owner-code"): Entry(f"{LOGIN} 403 403 200 403 403 200"),
    ("POST", "/mipymes/<int:mipyme_id>/owner-code"): Entry(f"{LOGIN} 403 403 200 403 403 200", form=_empty),
    ("POST", "/owner/visits/<visit_id>/confirmation"): Entry(f"{LOGIN} 403 403 403 302>/owner/ 404 403",
                                                             form=_owner_form),
    # API
    ("GET", "/api/v1/openapi.json"): Entry("200 200 200 200 200 200 200"),
    ("POST", "/api/v1/session"): Entry("401 401 401 401 401 401 401", body=_login_form),
    ("GET", "/api/v1/session"): Entry("401 200 200 200 200 200 200"),
    ("DELETE", "/api/v1/session"): Entry("401 204 204 204 204 204 204"),
    ("GET", "/api/v1/mipymes"): Entry("401 200 200 200 200 200 200"),
    ("POST", "/api/v1/mipymes"): Entry("401 403 403 201 403 403 201", body=_new_mipyme),
    ("GET", "/api/v1/mipymes/<int:mipyme_id>"): Entry("401 200 404 200 200 404 200"),
    ("GET", "/api/v1/ciiu"): Entry("401 200 200 200 403 403 200"),
    ("GET", "/api/v1/neighborhoods"): Entry("401 200 200 200 403 403 200"),
    ("POST", "/api/v1/neighborhoods"): Entry("401 403 403 201 403 403 201", body=_new_place),
    ("GET", "/api/v1/uvt"): Entry("401 403 403 200 403 403 200"),
    ("POST", "/api/v1/uvt"): Entry("401 403 403 403 403 403 201", body=_next_uvt),
    ("POST", "/api/v1/mipymes/import"): Entry("401 403 403 200 403 403 200", form=_mipyme_sheet),
    ("PATCH", "/api/v1/mipymes/<int:mipyme_id>"): Entry("401 403 403 200 403 403 200", body=_mipyme_change),
    ("POST", "/api/v1/visits/sync"): Entry("401 200:created,updated 200:rejected,rejected 403 403 403 403",
                                           body=_sync_batch, detail=_sync_statuses),
    ("GET", "/api/v1/visits"): Entry("401 200 200 200 200 200 200"),
    ("GET", "/api/v1/visits/<visit_id>"): Entry("401 200 404 200 200 404 200"),
    ("POST", "/api/v1/visits/<visit_id>/review"): Entry("401 403 403 200 403 403 403", body=_review),
    ("POST", "/api/v1/visits/<visit_id>/dispute-resolution"): Entry("401 403 403 409 403 403 403",
                                                                    body=_resolution),
    # 403, not 404, for another officer's visit: UUIDs are not guessable, so existence leaks little.
    ("POST", "/api/v1/visits/<visit_id>/photos"): Entry("401 201 403 403 403 403 403", form=_photo),
    ("GET", "/api/v1/photos/<photo_id>"): Entry("401 200 404 200 200 404 200"),
    ("GET", "/api/v1/visits/<visit_id>/confirmation-link"): Entry("401 200 404 200 403 403 200"),
    ("POST", "/api/v1/visits/<visit_id>/confirmation"): Entry("401 403 403 403 200 404 403", body=_decision),
    ("POST", "/api/v1/forms"): Entry("401 403 403 201 403 403 201", form=_xlsform),
    ("GET", "/api/v1/forms"): Entry("401 403 403 200 403 403 200"),
    ("GET", "/api/v1/forms/current"): Entry("401 200 200 200 200 200 200"),
    ("GET", "/api/v1/forms/<int:version_id>"): Entry("401 200 200 200 200 200 200"),
    ("POST", "/api/v1/forms/<int:version_id>/publish"): Entry("401 403 403 200 403 403 200"),
    ("GET", "/api/v1/forms/<int:version_id>/file"): Entry("401 403 403 200 403 403 200"),
    # The matrix's version is the current one: never deleted (409), whoever asks.
    ("DELETE", "/api/v1/forms/<int:version_id>"): Entry("401 403 403 409 403 403 409"),
    ("GET", "/api/v1/results"): Entry("401 403 403 200 403 403 200"),
    ("POST", "/api/v1/tokens"): Entry("401 403 403 201 403 403 201", body=lambda r: {"name": "Excel"}),
    ("GET", "/api/v1/tokens"): Entry("401 403 403 200 403 403 200"),
    ("DELETE", "/api/v1/tokens/<int:token_id>"): Entry("401 403 403 404 403 403 404"),
    # OData: HTTP Basic with a token (tests/test_odata.py); a logged-in session is let through too.
    ("GET", "/odata/v1/"): Entry("401 403 403 200 403 403 200"),
    ("GET", "/odata/v1/$metadata"): Entry("401 403 403 200 403 403 200"),
    ("GET", "/odata/v1/<name>"): Entry("401 403 403 200 403 403 200"),
    ("GET", "/odata/v1/<name>/$count"): Entry("401 403 403 200 403 403 200"),
    ("GET", "/odata/v1/<name>/<path:rest>"): Entry("401 403 403 501 403 403 501"),
}


def _routes(app) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        found += [(method, rule.rule) for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]
    return sorted(found, key=lambda route: (route[1], route[0]))


def test_every_route_declares_its_roles(app):
    undeclared = [f"{rule.rule} ({rule.endpoint})" for rule in app.url_map.iter_rules()
                  if rule.endpoint != "static"
                  and not getattr(app.view_functions[rule.endpoint], "allowed_roles", None)]
    assert undeclared == [], "routes without @roles_required or @public"


def test_every_route_is_in_the_matrix(app):
    routes = set(_routes(app))
    assert sorted(routes - set(MATRIX)) == [], "add these routes to MATRIX with their expected answers"
    assert sorted(set(MATRIX) - routes) == [], "these MATRIX entries name routes that no longer exist"


def test_matrix_agrees_with_the_declared_roles(app):
    """A role outside a route's declaration must be refused in the matrix, whatever the record."""
    for (method, path), entry in MATRIX.items():
        rule = next(r for r in app.url_map.iter_rules() if r.rule == path and method in r.methods)
        allowed = app.view_functions[rule.endpoint].allowed_roles
        if allowed == PUBLIC:
            continue
        for persona, answer in entry.expected().items():
            role = persona.removeprefix("other_")
            if persona == "anonymous":
                assert answer in ("401", LOGIN), f"{method} {path} lets nobody in"
            elif role not in allowed:
                assert answer == "403", f"{method} {path}: {persona} is outside {allowed}"


# --- the world the matrix runs in -------------------------------------------------------------------

def _side(label: str) -> dict[str, Any]:
    officer = make_user("officer", username=f"officer-{label}")
    mipyme = make_mipyme(officer, name=f"Taller {label.upper()}{label.upper()}", nit=None)
    visit = make_visit(mipyme, officer, notes=f"nota-reservada-{label}")
    owner = make_user("owner", username=f"owner-{label}", mipyme=mipyme)
    return {"officer": officer, "mipyme": mipyme, "visit": visit, "owner": owner,
            "token": links.make_token(visit),
            # What must never reach the other side's officer or owner, on any page or API answer.
            "secrets": (visit.id, mipyme.name, f"nota-reservada-{label}")}


@pytest.fixture
def world(app, make_client):
    sides = {"a": _side("a"), "b": _side("b")}
    for side in sides.values():
        side["photo_id"] = _upload_photo(make_client(), side)
        side["secrets"] += (side["photo_id"],)
    staff = {"supervisor": make_user("supervisor", username="super"), "admin": make_user("admin", username="admin")}
    for label, side in sides.items():
        side["form_version"] = _published_form(staff["supervisor"], label)
    clients = {"anonymous": make_client()}
    clients["anonymous"].csrf_token = form_token(clients["anonymous"], "/login")
    people = {"officer-a": sides["a"]["officer"], "officer-b": sides["b"]["officer"],
              "owner-a": sides["a"]["owner"], "owner-b": sides["b"]["owner"], **staff}
    clients.update({name: make_client() for name in people})
    return {"sides": sides, "clients": clients, "people": people}


def _fresh_sessions(world: dict[str, Any]) -> None:
    """Everyone active and logged in again: the previous side may have logged out or deactivated someone."""
    for name, user in world["people"].items():
        db.session.refresh(user)
        if not user.active:
            user.active = True
            db.session.commit()
        world["clients"][name].delete_cookie("session")
        with world["clients"][name].application.app_context():
            login(world["clients"][name], user)


def _upload_photo(client: Any, side: dict[str, Any]) -> str:
    with client.application.app_context():
        login(client, side["officer"])
        form = _photo(side)
        response = client.post(f"/api/v1/visits/{side['visit'].id}/photos", data=form)
        assert response.status_code == 201, response.get_json()
    return form["photo_id"]


def _client_for(world: dict[str, Any], persona: str, side: str) -> Any:
    other = "b" if side == "a" else "a"
    names = {"anonymous": "anonymous", "officer": f"officer-{side}", "other_officer": f"officer-{other}",
             "owner": f"owner-{side}", "other_owner": f"owner-{other}", "supervisor": "supervisor", "admin": "admin"}
    return world["clients"][names[persona]]


def _url(path: str, record: dict[str, Any]) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(2)
        values = {"mipyme_id": record["mipyme"].id, "visit_id": record["visit"].id, "user_id": record["officer"].id,
                  "token": record["token"], "photo_id": record["photo_id"], "fmt": "csv",
                  "version_id": record["form_version"].id, "token_id": 999999, "name": "Mipymes", "rest": "x"}
        return str(values[name])

    return _ARGUMENT.sub(fill, path)


def _row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables}


def _answer(response, record: dict[str, Any]) -> str:
    if response.status_code in (301, 302, 303):
        location = response.headers["Location"].split("?")[0].split("#")[0]
        location = location.replace(record["token"], "<token>").replace(record["visit"].id, "<visit_id>")
        return f"{response.status_code}>{location}"
    return str(response.status_code)


def _call(client: Any, method: str, url: str, entry: Entry, record: dict[str, Any]) -> tuple[str, str]:
    kwargs: dict[str, Any] = {}
    if entry.body is not None:
        kwargs["json"] = entry.body(record)
    if entry.form is not None:
        kwargs["data"] = entry.form(record)
    # A fresh app context per call: the test's own context would share `g` (and Flask-Login's cached
    # user) between the clients, so one persona's login would leak into the next one's request.
    with client.application.app_context():
        response = client.open(url, method=method, **kwargs)
        textual = response.mimetype.startswith("text/") or response.mimetype == "application/json"
        text = response.get_data(as_text=True) if textual else ""
        response.close()
    if url.startswith("/api/") and response.status_code >= 400:
        assert response.is_json, f"{method} {url} answered {response.content_type}"
    answer = _answer(response, record)
    if entry.detail is not None and response.status_code == 200:
        answer += ":" + entry.detail(response.get_json())
    return answer, text


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX, key=lambda route: (route[1], route[0])),
                         ids=[f"{m} {p}" for m, p in sorted(MATRIX, key=lambda route: (route[1], route[0]))])
def test_each_caller_gets_the_expected_answer(app, world, method, path):
    entry = MATRIX[(method, path)]
    expected = entry.expected()
    wrong = []
    for side in ("a", "b"):
        if side == "a" or method != "GET":  # a GET logs nobody out and deactivates nobody
            _fresh_sessions(world)
        record = world["sides"][side]
        url = _url(path, record)
        before = _row_counts() if method == "GET" else None
        for persona in CALL_ORDER:
            got, text = _call(_client_for(world, persona, side), method, url, entry, record)
            if got != expected[persona]:
                wrong.append(f"{persona} on {side}'s record: expected {expected[persona]}, got {got}")
            if persona in ("officer", "owner"):
                other = world["sides"]["b" if side == "a" else "a"]
                leaked = [secret for secret in other["secrets"] if secret in text]
                assert leaked == [], f"{method} {url} shows {persona} of {side} the other side's {leaked}"
        if before is not None:
            assert _row_counts() == before, f"GET {url} changed the database"
    assert wrong == [], f"{method} {path}"


def test_the_matrix_covers_every_role(app):
    assert {p.removeprefix("other_") for p in PERSONAS} - {"anonymous"} == set(ROLES)


CSRF_EXEMPT = {("POST", "/api/v1/session")}  # API.md: the one unsafe call made before there is a session
UNSAFE_ROUTES = sorted(route for route in MATRIX if route[0] != "GET" and route not in CSRF_EXEMPT)


@pytest.mark.parametrize(("method", "path"), UNSAFE_ROUTES, ids=[f"{m} {p}" for m, p in UNSAFE_ROUTES])
def test_every_unsafe_route_refuses_a_request_without_csrf_token(app, world, method, path):
    """Called by a caller the matrix lets through, but without the token: 400 and nothing changes."""
    entry = MATRIX[(method, path)]
    allowed = [p for p, answer in entry.expected().items() if not answer.startswith(("401", "403", "404", LOGIN))]
    persona = allowed[-1] if allowed else "anonymous"
    _fresh_sessions(world)
    record = world["sides"]["a"]
    client = _client_for(world, persona, "a")
    before = _row_counts()
    kwargs: dict[str, Any] = {}
    if entry.body is not None:
        kwargs["json"] = entry.body(record)
    if entry.form is not None:
        kwargs["data"] = entry.form(record)
    with client.application.app_context():
        response = client.open(_url(path, record), method=method, csrf=False, **kwargs)
        response.close()
    assert response.status_code == 400, f"{method} {path} as {persona} without CSRF token: {response.status_code}"
    assert _row_counts() == before
