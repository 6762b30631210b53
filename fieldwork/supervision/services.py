"""Supervisors' state changes other than review: resolving an owner's dispute with an outcome."""
from __future__ import annotations

from flask_babel import gettext as _

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.models import User, Visit
from fieldwork.services import ServiceError
from fieldwork.visits.history import record_event

MAX_NOTE = 2000
#: "owner_right": the visit goes back to its officer, returned with the owner's comment as the reason;
#: "record_stands": the visit stays as recorded.
OUTCOMES = ("owner_right", "record_stands")


def resolve_dispute(supervisor: User, visit: Visit, note: str | None, outcome: str | None = None,
                    via: str = "web") -> Visit:
    """Close the owner's open dispute on `visit` with an outcome and a note; the Mipyme loses its
    `disputed` flag once none of its visits has an open dispute. Raises ServiceError with Spanish messages."""
    if supervisor.role != "supervisor":
        raise ServiceError({"note": [_("Solo un supervisor puede resolver disputas.")]}, status=403)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("Elija si el propietario tiene razón o si el registro se mantiene.")]
    if not note:
        errors["note"] = [_("Escriba cómo se resolvió la disputa.")]
    elif len(note) > MAX_NOTE:
        errors["note"] = [_("La nota admite hasta %(max)d caracteres.", max=MAX_NOTE)]
    if errors:
        raise ServiceError(errors)
    if not visit.is_disputed_open:
        raise ServiceError({"note": [_("Esta visita no tiene una disputa abierta.")]}, status=409)
    now = utcnow()
    visit.dispute_resolved_at = now
    visit.dispute_resolved_by_id = supervisor.id
    visit.dispute_resolution_note = note
    visit.dispute_outcome = outcome
    if outcome == "owner_right":
        # Back to the officer's "Por corregir", even if approved: the owner's word is the reason to correct.
        visit.review_status = "returned"
        visit.review_comment = visit.owner_comment
        visit.reviewed_by_id = supervisor.id
        visit.reviewed_at = now
    record_event(visit.id, outcome, visit.revision, supervisor, note)
    audit.record(supervisor, "visit.dispute_resolved", "visit", visit.id, via=via, note=note, outcome=outcome,
                 owner_comment=visit.owner_comment)
    return visit
