"""`/api/v1/neighborhoods`: the programme's list of places a Mipyme's `neighborhood` is chosen from."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user

from fieldwork.api import bp
from fieldwork.api.common import load_args, load_body, service_error_response
from fieldwork.api.schemas import NeighborhoodInputSchema, NeighborhoodListSchema, NeighborhoodSchema, PageArgsSchema
from fieldwork.registry import neighborhoods
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.security import roles_required


@bp.get("/neighborhoods")
@roles_required("officer", "supervisor", "admin")
def list_neighborhoods() -> Any:
    """The list, in alphabetical order, a page at a time.
    ---
    get:
      parameters: [{in: query, schema: PageArgsSchema}]
      responses:
        200: {description: La lista de barrios., content: {application/json: {schema: NeighborhoodListSchema}}}
    """
    args = load_args(PageArgsSchema())
    places, total = neighborhoods.neighborhoods(args["page"], args["per_page"])
    return jsonify(NeighborhoodListSchema().dump({"items": places, "total": total}))


@bp.post("/neighborhoods")
@roles_required("supervisor", "admin")
def add_neighborhood() -> Any:
    """Add a place to the list; a name already listed (ignoring case and accents) is refused.
    ---
    post:
      requestBody: {content: {application/json: {schema: NeighborhoodInputSchema}}}
      responses:
        201: {description: El barrio agregado., content: {application/json: {schema: NeighborhoodSchema}}}
    """
    data = load_body(NeighborhoodInputSchema())
    try:
        place = commit_with_retry(lambda: neighborhoods.add_neighborhood(data["name"], data.get("kind"),
                                                                         current_user, via="api"), "neighborhood")
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(NeighborhoodSchema().dump(place)), 201
