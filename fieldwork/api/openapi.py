"""`GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the marshmallow schemas.

The document is built from the URL map, so every /api/v1 route appears in it. Each operation comes
from the YAML after `---` in its view's docstring (apispec's convention: the spec lives next to the
view), or else from OPERATIONS below, for views whose modules keep one-line docstrings. What every
operation shares is added here once: path parameters from the rule's converters, the security
scheme from the view's declared roles, and the error answers.
"""
from __future__ import annotations

import copy
import re
from typing import Any

from apispec import APISpec, yaml_utils
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask, current_app, jsonify
from werkzeug.routing import Rule

from fieldwork.api import bp
from fieldwork.models import MAX_ID
from fieldwork.web.security import PUBLIC, public

API_PREFIX = "/api/v1"
UNSAFE = {"post", "put", "patch", "delete"}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _json(schema: Any) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _answer(description: str, schema: Any | None = None) -> dict[str, Any]:
    return {"description": description, **(_json(schema) if schema is not None else {})}


#: Operations of views that do not carry their YAML in a docstring, keyed by endpoint then method.
OPERATIONS: dict[str, dict[str, dict[str, Any]]] = {
    "api.openapi_document": {
        "get": {"summary": "Este documento OpenAPI.", "responses": {"200": _answer("OpenAPI 3.1", {"type": "object"})}},
    },
}

#: The error body every failure answers with (fieldwork.web.errors.error_response). Nested bodies (a
#: batch of visits) report errors per item, so a value is a list of messages or an object of them.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "Qué falló, en una frase."},
        "errors": {
            "type": "object",
            "description": "Mensajes por campo: {campo: [mensaje, ...]}.",
            "additionalProperties": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]},
        },
    },
}

_ERRORS = {
    "400": "Datos no válidos (errores por campo) o falta el token CSRF; nada cambia.",
    "401": "Sin sesión.",
    "403": "Rol equivocado o registro ajeno (o falta el token CSRF).",
    "404": "No existe, o no puede saber que existe.",
    "413": "Cuerpo demasiado grande.",
    "429": "Demasiados intentos; espere.",
}


def _schema_name(schema: Any) -> str:
    """Component names without the `Schema` suffix; a partial (PATCH) schema gets its own name."""
    name = resolve_schema_cls(schema).__name__.removesuffix("Schema")
    if getattr(schema, "partial", False) is True:
        name += "Patch"
    return name


def _path(rule: Rule) -> tuple[str, list[dict[str, Any]]]:
    """The OpenAPI path of a rule and its path parameters (typed from the converters)."""
    parameters = []
    for converter, name in _ARGUMENT.findall(rule.rule):
        if converter == "int":
            schema: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
        elif converter == "uuid":
            schema = {"type": "string", "format": "uuid"}
        else:
            schema = {"type": "string"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    path = _ARGUMENT.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
    return path.removeprefix(API_PREFIX) or "/", parameters


def _operations_of(endpoint: str, view: Any) -> dict[str, dict[str, Any]]:
    documented = yaml_utils.load_operations_from_docstring(view.__doc__ or "")
    return _with_refs(copy.deepcopy(documented or OPERATIONS.get(endpoint, {})))


def _with_refs(node: Any) -> Any:
    """`schema: Error` names the hand-written component; other names are marshmallow schemas."""
    if isinstance(node, dict):
        return {key: ({"$ref": "#/components/schemas/Error"} if key == "schema" and value == "Error"
                      else _with_refs(value)) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_refs(item) for item in node]
    return node


def _partial_body(operation: dict[str, Any]) -> None:
    """A PATCH body is the create schema with nothing required (API.md: PATCH changes fields)."""
    for media in operation.get("requestBody", {}).get("content", {}).values():
        if isinstance(media.get("schema"), str):
            media["schema"] = resolve_schema_cls(media["schema"])(partial=True)


def _complete(operation: dict[str, Any], endpoint: str, method: str, view: Any, has_path_args: bool) -> None:
    """Add what every operation shares: id, summary, roles, security and error answers."""
    roles = getattr(view, "allowed_roles", ())
    operation.setdefault("operationId", endpoint.removeprefix("api.") + ("" if method == "get" else "_" + method))
    operation.setdefault("summary", (view.__doc__ or "").strip().split("\n")[0])
    operation.setdefault("tags", [endpoint.removeprefix("api.").split("_", 1)[-1]])
    responses = operation.setdefault("responses", {})
    codes = ["400", "429"]
    if roles != PUBLIC:
        operation["x-roles"] = list(roles)
        codes += ["401", "403"]
        operation.setdefault("security", [{"session": [], "csrf": []}] if method in UNSAFE else [{"session": []}])
    else:
        operation.setdefault("security", [])
    if has_path_args:
        codes.append("404")
    if "requestBody" in operation:
        codes.append("413")
    for code in codes:
        responses.setdefault(code, _answer(_ERRORS[code], "Error"))


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of every /api/v1 rule in `app`'s URL map."""
    spec = APISpec(
        title="Fieldwork API",
        version="1",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={"description": "Visitas de campo a Mipymes. Contrato público: API.md."},
        servers=[{"url": API_PREFIX}],
    )
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session"),
                    "description": "La cookie que pone POST /session (o el inicio de sesión HTML)."})
    spec.components.security_scheme(
        "csrf", {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                 "description": "El csrf_token de la respuesta de /session; obligatorio en POST, PUT, PATCH y DELETE."})
    rules = sorted((r for r in app.url_map.iter_rules() if r.rule.startswith(API_PREFIX + "/")), key=lambda r: r.rule)
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        path, parameters = _path(rule)
        documented = _operations_of(rule.endpoint, view)
        operations = {}
        for method in sorted(m.lower() for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method not in documented:
                continue  # test_openapi.py fails on an undocumented method, rather than guessing here
            operation = documented[method]
            if method == "patch":
                _partial_body(operation)
            _complete(operation, rule.endpoint, method, view, bool(parameters))
            operations[method] = operation
        spec.path(path=path, operations=operations, parameters=parameters or None)
    return spec.to_dict()


@bp.get("/openapi.json")
@public
def openapi_document() -> Any:
    """This OpenAPI document (built once per process: the URL map does not change while serving)."""
    cache = current_app.extensions.setdefault("fieldwork_openapi", {})
    if "document" not in cache:
        cache["document"] = build_spec(current_app)
    return jsonify(cache["document"])
