"""The OpenAPI document at /api/v1/openapi.json: valid, and covering every /api/v1 route."""
from __future__ import annotations

import re

import schemathesis

from fieldwork.api.openapi import API_PREFIX
from fieldwork.web.security import PUBLIC

UNSAFE = {"post", "put", "patch", "delete"}


def _document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def _api_operations(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule.rule).removeprefix(API_PREFIX)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, path, method.lower()


def test_document_is_valid_openapi_3_1_for_anyone(client):
    document = _document(client)  # no session: phones and tools read it before logging in
    assert document["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(document).validate()


def test_every_api_route_is_in_the_document(app, client):
    paths = _document(client)["paths"]
    missing = [f"{method.upper()} {API_PREFIX}{path}" for _, path, method in _api_operations(app)
               if method not in paths.get(path, {})]
    assert missing == [], "document these routes (YAML in the view's docstring, or openapi.OPERATIONS)"


def test_security_follows_each_views_roles(app, client):
    paths = _document(client)["paths"]
    for rule, path, method in _api_operations(app):
        operation = paths[path][method]
        roles = app.view_functions[rule.endpoint].allowed_roles
        where = f"{method} {path}"
        if roles == PUBLIC:
            assert operation["security"] == [], where
            continue
        assert operation["x-roles"] == list(roles), where
        expected = {"session", "csrf"} if method in UNSAFE else {"session"}
        assert set(operation["security"][0]) == expected, where
        assert {"401", "403"} <= set(operation["responses"]), where


def test_error_answers_use_the_error_body(client):
    document = _document(client)
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and "errors" in error["properties"]
    assert document["components"]["securitySchemes"]["csrf"] == {
        "type": "apiKey", "in": "header", "name": "X-CSRFToken",
        "description": document["components"]["securitySchemes"]["csrf"]["description"]}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            answer = operation["responses"]["400"]["content"]["application/json"]["schema"]
            assert answer == {"$ref": "#/components/schemas/Error"}, f"{method} {path}"


def test_bodies_filters_and_pagination_come_from_the_marshmallow_schemas(client):
    document = _document(client)
    listing = document["paths"]["/mipymes"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"page", "per_page", "flag", "officer_id", "sector", "q"} <= names
    per_page = next(p for p in listing["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 1000
    create = document["paths"]["/mipymes"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create == {"$ref": "#/components/schemas/MipymeInput"}
    patch = document["paths"]["/mipymes/{mipyme_id}"]["patch"]["requestBody"]["content"]["application/json"]
    assert "required" not in document["components"]["schemas"]["MipymeInputPatch"], patch
