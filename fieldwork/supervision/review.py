"""Reviewing a visit: one service function for the HTML form and the JSON API."""
from __future__ import annotations

from flask_babel import gettext as _

from fieldwork.models import User, Visit
from fieldwork.services import ServiceError
from fieldwork.visits import lifecycle

DECISIONS = ("approved", "returned")
MAX_COMMENT = 2000


def review_visit(supervisor: User, visit: Visit, decision: str | None, comment: str | None,
                 *, via: str = "web", revision: int | None = None) -> Visit:
    """Approve `visit` (which locks it against edits until its owner disputes it) or return it with a
    required comment; the caller commits.

    `revision` is the revision the supervisor read: another one (the officer edited the visit meanwhile)
    is refused with 409. The rules are fieldwork/visits/lifecycle.py's. Raises ServiceError per field.
    """
    lifecycle.check_supervisor(supervisor, "review")
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
    return lifecycle.review(supervisor, visit, decision, comment, read=revision, via=via)
