"""Reviewing a visit: one service function for the HTML form and the JSON API."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import update

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.extensions import db
from fieldwork.mipymes import summary
from fieldwork.models import User, Visit
from fieldwork.services import ServiceError, check_read_revision, stale_revision_error
from fieldwork.visits.history import record_event

DECISIONS = ("approved", "returned")
MAX_COMMENT = 2000


def review_visit(supervisor: User, visit: Visit, decision: str | None, comment: str | None,
                 *, via: str = "web", revision: int | None = None) -> Visit:
    """Approve `visit` (which locks it against further edits) or return it with a required comment.

    `revision` is the revision the supervisor read: another one (the officer edited the visit
    meanwhile) is refused with 409. A returned visit may be reviewed again (the officer corrects it, or
    the supervisor changes their mind); an approved one may not. Raises ServiceError per field.
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
        errors["comment"] = [_("El comentario admite hasta %(max)d caracteres.", max=MAX_COMMENT)]
    if errors:
        raise ServiceError(errors)
    if visit.review_status == "approved":
        raise ServiceError({"decision": [_("Esta visita ya fue aprobada y está cerrada.")]}, status=409)
    check_read_revision(visit.revision, revision)
    previous, read = visit.review_status, visit.revision
    # One guarded UPDATE: a sync that replaces the content (or an approval) committed between our read
    # and this write makes it match no row, so the decision never lands on content nobody read.
    result = db.session.execute(
        update(Visit)
        .where(Visit.id == visit.id, Visit.revision == read, Visit.review_status != "approved")
        .values(review_status=decision, review_comment=comment, reviewed_by_id=supervisor.id, reviewed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(visit)
    if result.rowcount != 1:
        if visit.review_status == "approved":
            raise ServiceError({"decision": [_("Esta visita ya fue aprobada y está cerrada.")]}, status=409)
        raise stale_revision_error()
    summary.refresh([visit.mipyme_id])  # the UPDATE bypassed the ORM, so its flush cannot see it
    record_event(visit.id, decision, read, supervisor, comment)
    audit.record(supervisor, f"visit.{decision}", "visit", visit.id, via=via,
                 previous=previous, comment=comment, revision=read)
    return visit
