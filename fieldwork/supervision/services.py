"""Supervisors' state changes other than review: resolving an owner's dispute with an outcome."""
from __future__ import annotations

from flask_babel import gettext as _

from fieldwork.models import User, Visit
from fieldwork.services import ServiceError
from fieldwork.visits import lifecycle

MAX_NOTE = 2000
#: "owner_right": the visit goes back to its officer, returned with the supervisor's note as the
#: instruction (the owner's comment stays theirs); "record_stands": the visit stays as recorded.
OUTCOMES = ("owner_right", "record_stands")


def resolve_dispute(supervisor: User, visit: Visit, note: str | None, outcome: str | None = None,
                    *, via: str = "web", revision: int | None = None) -> Visit:
    """Close the owner's open dispute on `visit` with an outcome and a note; the caller commits. The
    Mipyme loses its `disputed` flag once none of its visits has an open dispute.

    `revision` is the revision the supervisor read (another one: 409). Of two resolutions of one dispute
    one succeeds and the other is refused with 409 (fieldwork/visits/lifecycle.py). Raises ServiceError
    with Spanish messages."""
    lifecycle.check_supervisor(supervisor, "resolve")
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
    return lifecycle.resolve(supervisor, visit, outcome, note, read=revision, via=via)
