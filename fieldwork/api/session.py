"""`/api/v1/session`: log in, read the session (and a fresh CSRF token), log out."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from fieldwork.api import bp
from fieldwork.api.common import load_body
from fieldwork.api.schemas import LoginSchema, SessionSchema
from fieldwork.auth import services
from fieldwork.extensions import csrf
from fieldwork.models import ROLES
from fieldwork.web.errors import error_response
from fieldwork.web.security import public, roles_required
from fieldwork.web.throttle import login_throttle, note_failed_attempt


def _session_body() -> dict[str, Any]:
    return SessionSchema().dump({"user": current_user, "csrf_token": generate_csrf()})


@bp.post("/session")
@public
@csrf.exempt  # API.md: the one unsafe call without X-CSRFToken (there is no session yet to bind it to)
@login_throttle
def create_session() -> Any:
    """Log in with `{"username", "password"}`.
    ---
    post:
      requestBody: {content: {application/json: {schema: LoginSchema}}}
      responses:
        200: {description: La sesión abierta y su token CSRF., content: {application/json: {schema: SessionSchema}}}
        401: {description: Usuario o contraseña incorrectos., content: {application/json: {schema: Error}}}
    """
    credentials = load_body(LoginSchema())
    user = services.authenticate(credentials["username"], credentials["password"])
    if user is None:
        note_failed_attempt()
        return error_response(401, _("Usuario o contraseña incorrectos."))
    services.log_in(user, via="api")
    return jsonify(_session_body())


@bp.get("/session")
@roles_required(*ROLES)
def read_session() -> Any:
    """The current user and a fresh CSRF token (the phone asks before each sync).
    ---
    get:
      responses:
        200: {description: Sesión actual y token CSRF nuevo., content: {application/json: {schema: SessionSchema}}}
    """
    return jsonify(_session_body())


@bp.delete("/session")
@roles_required(*ROLES)
def delete_session() -> Any:
    """Log out.
    ---
    delete:
      responses:
        204: {description: Sesión cerrada.}
    """
    services.log_out(current_user, via="api")
    return "", 204
