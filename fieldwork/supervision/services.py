"""Supervisors' state changes other than review: resolving an owner's dispute."""
from __future__ import annotations

from flask_babel import gettext as _

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.models import User, Visit
from fieldwork.services import ServiceError

MAX_NOTE = 2000


def resolve_dispute(supervisor: User, visit: Visit, note: str | None, via: str = "web") -> Visit:
    """Close the owner's open dispute on `visit` with a note; the Mipyme loses its `disputed` flag
    once none of its visits has an open dispute. Raises ServiceError with Spanish messages."""
    if supervisor.role != "supervisor":
        raise ServiceError({"note": [_("Solo un supervisor puede resolver disputas.")]}, status=403)
    note = (note or "").strip()
    if not note:
        raise ServiceError({"note": [_("Escriba cómo se resolvió la disputa.")]})
    if len(note) > MAX_NOTE:
        raise ServiceError({"note": [_("La nota admite hasta 2000 caracteres.")]})
    if not visit.is_disputed_open:
        raise ServiceError({"note": [_("Esta visita no tiene una disputa abierta.")]}, status=409)
    visit.dispute_resolved_at = utcnow()
    visit.dispute_resolved_by_id = supervisor.id
    visit.dispute_resolution_note = note
    audit.record(supervisor, "visit.dispute_resolved", "visit", visit.id, via=via, note=note,
                 owner_comment=visit.owner_comment)
    return visit
