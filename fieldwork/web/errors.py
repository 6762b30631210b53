"""One error format for the API, Spanish error pages for people, rollback on a 500."""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from fieldwork.extensions import db
from fieldwork.web.security import is_api_request


def error_response(status: int, message: str, errors: dict[str, Any] | None = None) -> tuple[Any, int]:
    """The API's error body: `{"error": ..., "errors": {field: [messages]}}`."""
    body: dict[str, Any] = {"error": message}
    if errors is not None:
        body["errors"] = errors
    return jsonify(body), status


def _messages() -> dict[int, str]:
    return {
        400: _("La solicitud no es válida."),
        401: _("Debe iniciar sesión."),
        403: _("No tiene permiso para hacer esto."),
        404: _("No encontramos lo que busca."),
        405: _("Método no permitido."),
        413: _("La solicitud es demasiado grande."),
        429: _("Demasiados intentos. Espere un momento e intente de nuevo."),
        500: _("Ocurrió un error en el servidor. Nada se guardó a medias; intente de nuevo."),
    }


def _respond(status: int, message: str | None = None) -> Any:
    text = message or _messages().get(status, _("Ocurrió un error."))
    if is_api_request():
        # A refusal for the whole request, not a field: `_schema`, as marshmallow names it.
        return error_response(status, text, {"_schema": [text]} if status == 429 else None)
    return render_template("error.html", status=status, message=text), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ValidationError)
    def validation_error(error: ValidationError) -> Any:
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        if is_api_request():
            return error_response(400, _("Hay datos no válidos."), messages)
        return _respond(400)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        return _respond(400, _("La sesión del formulario expiró o falta el token CSRF. Recargue e intente de nuevo."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        if status == 500:
            db.session.rollback()
        message = None
        if isinstance(error.description, str) and getattr(error, "fieldwork_message", False):
            message = error.description
        elif isinstance(error, RateLimitExceeded) and error.limit.error_message:
            message = error.description  # the throttle's own words (what was kept, when it resumes)
        return _respond(status, message)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Any:
        # Nothing half-done may be committed by a later request on this connection.
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return _respond(500)
