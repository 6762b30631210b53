"""`/api/v1/visits/<id>/confirmation` (owners decide) and the officers' shareable confirmation link."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate

from fieldwork import confirmation_links as links
from fieldwork.api import bp
from fieldwork.api.common import load_body, service_error_response
from fieldwork.api.visit_schemas import read_revision_field
from fieldwork.owners.confirmation import DECISIONS, MAX_COMMENT, confirm_visit
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.text import schema_messages  # noqa: F401  (Spanish messages before any schema is built)
from fieldwork.visits.access import visit_or_404
from fieldwork.visits.schemas import dump_visit
from fieldwork.web.security import roles_required


class ConfirmationInputSchema(Schema):
    """What an owner sends: `disputed` needs a comment (checked by the service, per field)."""

    class Meta:
        unknown = RAISE

    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    comment = fields.String(allow_none=True, validate=validate.Length(max=MAX_COMMENT))
    revision = read_revision_field()


class ConfirmationLinkSchema(Schema):
    url = fields.String()
    expires_at = fields.AwareDateTime()
    text = fields.String()


@bp.post("/visits/<visit_id>/confirmation")
@roles_required("owner")
def confirm(visit_id: str) -> Any:
    """The owner of the visit's Mipyme confirms or disputes it (approved or not).
    ---
    post:
      requestBody: {content: {application/json: {schema: ConfirmationInputSchema}}}
      responses:
        200:
          description: La visita con la respuesta del propietario.
          content: {application/json: {schema: VisitSchema}}
        409:
          description: "La visita cambió desde la revisión leída (errors.revision); nada cambia. Una visita
            aprobada también se puede confirmar o disputar; una disputa la devuelve a revisión."
          content: {application/json: {schema: Error}}
        503:
          description: "Servidor ocupado; nada cambió, reintente."
          content: {application/json: {schema: Error}}
    """
    visit = visit_or_404(visit_id, current_user)
    data = load_body(ConfirmationInputSchema())
    try:
        commit_with_retry(lambda: confirm_visit(
            visit, data["decision"], data.get("comment"), actor=current_user, answered_via="account", via="api",
            revision=data.get("revision")), "confirmation")
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(dump_visit(visit, reader=current_user))


@bp.get("/visits/<visit_id>/confirmation-link")
@roles_required("officer", "supervisor", "admin")
def confirmation_link(visit_id: str) -> Any:
    """A signed link the officer shares with an owner who has no account (valid 30 days).
    ---
    get:
      responses:
        200:
          description: El enlace firmado para compartir, su vencimiento y un mensaje listo para WhatsApp.
          content: {application/json: {schema: ConfirmationLinkSchema}}
    """
    visit = visit_or_404(visit_id, current_user)
    link = links.issue(visit)
    return jsonify(ConfirmationLinkSchema().dump(link))
