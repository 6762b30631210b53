"""`/api/v1/visits/<id>/review` (a supervisor approves or returns a visit) and the resolution of
an owner's dispute; both call the same service functions as the supervisor's pages."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate

from fieldwork.api import bp
from fieldwork.api.common import load_body, service_error_response
from fieldwork.api.visit_schemas import read_revision_field
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.supervision.review import DECISIONS, MAX_COMMENT, review_visit
from fieldwork.supervision.services import MAX_NOTE, OUTCOMES, resolve_dispute
from fieldwork.text import schema_messages  # noqa: F401  (Spanish messages before any schema is built)
from fieldwork.visits.access import visit_or_404
from fieldwork.visits.schemas import dump_visit
from fieldwork.web.security import roles_required


class ReviewInputSchema(Schema):
    """What a supervisor sends: `returned` needs a comment (checked by the service, per field)."""

    class Meta:
        unknown = RAISE

    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    comment = fields.String(allow_none=True, validate=validate.Length(max=MAX_COMMENT))
    revision = read_revision_field()


class DisputeResolutionInputSchema(Schema):
    """The outcome: the owner was right (the visit goes back to its officer) or the record stands (default)."""

    class Meta:
        unknown = RAISE

    note = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NOTE))
    outcome = fields.String(load_default="record_stands", validate=validate.OneOf(OUTCOMES))
    revision = read_revision_field()


def _answer(change: Any, what: str) -> Any:
    try:
        visit = commit_with_retry(change, what)
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(dump_visit(visit, reader=current_user))


@bp.post("/visits/<visit_id>/review")
@roles_required("supervisor")
def review_visit_api(visit_id: str) -> Any:
    """Approve a visit (locked against edits until its owner disputes it) or return it with a comment.
    ---
    post:
      requestBody: {content: {application/json: {schema: ReviewInputSchema}}}
      responses:
        200:
          description: La visita revisada.
          content: {application/json: {schema: VisitSchema}}
        409:
          description: "La visita ya estaba aprobada, o cambió desde la revisión leída (errors.revision); nada cambia."
          content: {application/json: {schema: Error}}
        503:
          description: "Servidor ocupado; nada cambió, reintente."
          content: {application/json: {schema: Error}}
    """
    visit = visit_or_404(visit_id)
    data = load_body(ReviewInputSchema())
    return _answer(lambda: review_visit(current_user, visit, data["decision"], data.get("comment"), via="api",
                                        revision=data.get("revision")), "review")


@bp.post("/visits/<visit_id>/dispute-resolution")
@roles_required("supervisor")
def resolve_dispute_api(visit_id: str) -> Any:
    """Resolve the owner's open dispute on a visit with a note (clears the Mipyme's `disputed`).
    ---
    post:
      requestBody: {content: {application/json: {schema: DisputeResolutionInputSchema}}}
      responses:
        200:
          description: La visita con la disputa resuelta.
          content: {application/json: {schema: VisitSchema}}
        409:
          description: "La visita no tiene una disputa abierta (otro supervisor ya la resolvió), o cambió desde
            la revisión leída (errors.revision); nada cambia."
          content: {application/json: {schema: Error}}
        503:
          description: "Servidor ocupado; nada cambió, reintente."
          content: {application/json: {schema: Error}}
    """
    visit = visit_or_404(visit_id)
    data = load_body(DisputeResolutionInputSchema())
    return _answer(lambda: resolve_dispute(current_user, visit, data["note"], data["outcome"], via="api",
                                           revision=data.get("revision")), "dispute")
