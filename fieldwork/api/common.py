"""Helpers every API module shares: reading bodies through schemas, pagination, errors."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from fieldwork.services import ServiceError
from fieldwork.web.errors import error_response


def load_body(schema: Schema, partial: bool = False) -> dict[str, Any]:
    """The JSON body validated by `schema`; a non-object body is a field error too."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError({"_schema": [_("El cuerpo debe ser un objeto JSON.")]})
    return schema.load(data, partial=partial)


def load_args(schema: Schema) -> dict[str, Any]:
    return schema.load(request.args.to_dict())


def service_error_response(error: ServiceError) -> Any:
    return error_response(error.status, _("No se pudo completar la acción."), error.errors)
