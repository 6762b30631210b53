"""Reviewing a visit: one service function for the HTML form and the JSON API."""
from __future__ import annotations

from flask_babel import gettext as _

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.models import User, Visit
from fieldwork.services import ServiceError

DECISIONS = ("approved", "returned")
MAX_COMMENT = 2000


def review_visit(supervisor: User, visit: Visit, decision: str | None, comment: str | None,
                 via: str = "web") -> Visit:
    """Approve `visit` (which locks it against further edits) or return it with a required comment.

    A returned visit may be reviewed again (the officer corrects it, or the supervisor changes their
    mind); an approved one may not. Raises ServiceError with Spanish messages per field.
    """
    if supervisor.role != "supervisor":
        raise ServiceError({"decision": [_("Solo un supervisor puede revisar visitas.")]}, status=403)
    comment = (comment or "").strip() or None
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = [_("Elija aprobar o devolver.")]
    elif decision == "returned" and not comment:
        errors["comment"] = [_("Para devolver una visita escriba qué debe corregir el funcionario.")]
    if comment and len(comment) > MAX_COMMENT:
        errors["comment"] = [_("El comentario admite hasta 2000 caracteres.")]
    if errors:
        raise ServiceError(errors)
    if visit.review_status == "approved":
        raise ServiceError({"decision": [_("Esta visita ya fue aprobada y está cerrada.")]}, status=409)
    previous = visit.review_status
    visit.review_status = decision
    visit.review_comment = comment
    visit.reviewed_by_id = supervisor.id
    visit.reviewed_at = utcnow()
    audit.record(supervisor, f"visit.{decision}", "visit", visit.id, via=via,
                 previous=previous, comment=comment)
    return visit
