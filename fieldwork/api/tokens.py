"""`/api/v1/tokens`: a supervisor's or admin's personal access tokens for the OData feed."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user
from marshmallow import Schema, fields, validate

from fieldwork.api import bp
from fieldwork.api.common import load_args, load_body, service_error_response
from fieldwork.api.schemas import PageArgsSchema, StrictSchema
from fieldwork.auth import tokens
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.security import roles_required


class TokenInputSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(
        min=1, max=tokens.NAME_MAX, error="Escriba un nombre de 1 a {max} caracteres (por ejemplo «Excel oficina»)."),
        metadata={"description": "Para qué o dónde se usa (por ejemplo «Power BI despacho»)."})


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "Último uso en el feed OData (con resolución de un minuto)."})


class NewTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "El secreto: se muestra esta única vez y se guarda solo su hash. "
                                                   "Úselo como contraseña (HTTP Basic) del feed /odata/v1/."})


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))
    total = fields.Integer()


@bp.post("/tokens")
@roles_required(*tokens.TOKEN_ROLES)
def create_token() -> Any:
    """Make a personal access token for the OData feed; its secret is in this answer only.
    ---
    post:
      requestBody: {content: {application/json: {schema: TokenInputSchema}}}
      responses:
        201: {description: El token y su secreto (única vez)., content: {application/json: {schema: NewTokenSchema}}}
    """
    data = load_body(TokenInputSchema())
    try:
        token, secret = commit_with_retry(lambda: tokens.create_token(current_user, data["name"], via="api"),
                                          "token creation")
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(NewTokenSchema().dump({"id": token.id, "name": token.name, "created_at": token.created_at,
                                          "last_used_at": token.last_used_at, "token": secret})), 201


@bp.get("/tokens")
@roles_required(*tokens.TOKEN_ROLES)
def list_tokens() -> Any:
    """The caller's own tokens that still work, newest first, without their secrets.
    ---
    get:
      parameters: [{in: query, schema: PageArgsSchema}]
      responses:
        200: {description: Los tokens del usuario., content: {application/json: {schema: TokenListSchema}}}
    """
    args = load_args(PageArgsSchema())
    items, total = tokens.list_tokens(current_user, args["page"], args["per_page"])
    return jsonify(TokenListSchema().dump({"items": items, "total": total}))


@bp.delete("/tokens/<int:token_id>")
@roles_required(*tokens.TOKEN_ROLES)
def revoke_token(token_id: int) -> Any:
    """Revoke one of the caller's tokens: the feed refuses it from the next request on.
    ---
    delete:
      responses:
        204: {description: Revocado.}
    """
    try:
        commit_with_retry(lambda: tokens.revoke_token(current_user, token_id, via="api"), "token revocation")
    except ServiceError as error:
        return service_error_response(error)
    return "", 204
