"""`/api/v1/uvt`: the UVT of each year, which values the size bands (admins add next year's)."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user

from fieldwork.api import bp
from fieldwork.api.common import load_args, load_body, service_error_response
from fieldwork.api.schemas import PageArgsSchema, UvtInputSchema, UvtListSchema, UvtSchema
from fieldwork.registry import uvt
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.security import roles_required


@bp.get("/uvt")
@roles_required("supervisor", "admin")
def list_uvt() -> Any:
    """The stored years' UVT, newest first.
    ---
    get:
      parameters: [{in: query, schema: PageArgsSchema}]
      responses:
        200: {description: La tabla de la UVT., content: {application/json: {schema: UvtListSchema}}}
    """
    args = load_args(PageArgsSchema())
    values, total = uvt.uvt_values(args["page"], args["per_page"])
    return jsonify(UvtListSchema().dump({"items": values, "total": total}))


@bp.post("/uvt")
@roles_required("admin")
def add_uvt() -> Any:
    """Add a year's UVT (a stored year is never changed).
    ---
    post:
      requestBody: {content: {application/json: {schema: UvtInputSchema}}}
      responses:
        201: {description: La UVT guardada., content: {application/json: {schema: UvtSchema}}}
    """
    data = load_body(UvtInputSchema())
    try:
        row = commit_with_retry(lambda: uvt.add_uvt(data["year"], data["value_cop"], current_user, via="api"), "UVT")
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(UvtSchema().dump(row)), 201
