"""Every route declares who may call it, and the declaration is what the app enforces.

Built from the URL map, so a route added later is checked too: one without a declaration fails
`test_every_route_declares_its_roles`, and each declared rule is tried with every role.
"""
from __future__ import annotations

import re
import uuid

import pytest

from fieldwork.models import ROLES
from fieldwork.security import PUBLIC
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import form_token, login

ROUTE_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_declares_its_roles(app):
    undeclared = [
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule, method in _routes(app)
        if not getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
    ]
    assert undeclared == [], "routes without @roles_required or @public"


@pytest.fixture
def world(app):
    officer = make_user("officer", username="officer-a")
    mipyme = make_mipyme(officer)
    visit = make_visit(mipyme, officer)
    people = {role: make_user(role, username=f"{role}-x", mipyme=mipyme if role == "owner" else None)
              for role in ROLES if role != "officer"}
    people["officer"] = officer
    return {"people": people, "mipyme": mipyme, "visit": visit}


def _url(rule, world) -> str:
    def fill(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if converter == "int":
            if name == "user_id":
                return str(world["people"]["officer"].id)
            return str(world["mipyme"].id)
        if "visit" in name:
            return world["visit"].id
        return str(uuid.uuid4()) if converter == "uuid" or "id" in name else "x"

    return ROUTE_ARGUMENT.sub(fill, rule.rule)


def test_anonymous_gets_401_json_on_api_and_login_redirect_on_pages(app, client, world):
    client.csrf_token = form_token(client, "/login")  # a valid token, so the role check is what answers
    for rule, method in _routes(app):
        if app.view_functions[rule.endpoint].allowed_roles == PUBLIC:
            continue
        response = client.open(_url(rule, world), method=method)
        where = f"{method} {rule.rule}"
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401 and response.is_json, where
        else:
            assert response.status_code == 302, where
            assert response.headers["Location"].startswith("/login"), where


@pytest.mark.parametrize("role", ROLES)
def test_roles_outside_a_routes_declaration_get_403(app, make_client, world, role):
    client = make_client()
    login(client, world["people"][role])
    checked = 0
    for rule, method in _routes(app):
        allowed = app.view_functions[rule.endpoint].allowed_roles
        if allowed == PUBLIC or role in allowed:
            continue
        response = client.open(_url(rule, world), method=method)
        assert response.status_code == 403, f"{role}: {method} {rule.rule} -> {response.status_code}"
        checked += 1
    assert checked or role in ("supervisor", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_roles_inside_a_routes_declaration_are_let_through(app, make_client, world, role):
    """An allowed role never meets 401 or 403 on its own records (GET routes)."""
    client = make_client()
    login(client, world["people"][role])
    for rule, method in _routes(app):
        allowed = app.view_functions[rule.endpoint].allowed_roles
        if method != "GET" or allowed == PUBLIC or role not in allowed:
            continue
        if "/photos/" in rule.rule or "<token>" in rule.rule:
            continue  # need real photos / signed tokens: covered by their own tests
        response = client.get(_url(rule, world))
        response.close()
        assert response.status_code not in (401, 403), f"{role}: GET {rule.rule} -> {response.status_code}"
