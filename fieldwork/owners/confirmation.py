"""Owners confirm or dispute visits: one service for the owner's page, the API and the shared link."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.mipymes import summary
from fieldwork.models import Mipyme, OfficerAnswerRow, User, Visit
from fieldwork.services import ServiceError
from fieldwork.visits import lifecycle

DECISIONS = ("confirmed", "disputed")
STAFF = ("officer", "supervisor", "admin")
MAX_COMMENT = 2000


def _validate(decision: str | None, comment: str | None) -> str | None:
    """The cleaned comment, or ServiceError with per-field Spanish messages."""
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = [_("Elija «Confirmar» o «Disputar».")]
    cleaned = (comment or "").strip() or None
    if decision == "disputed" and cleaned is None:
        errors["comment"] = [_("Para disputar la visita, cuéntenos qué no es correcto.")]
    elif cleaned is not None and len(cleaned) > MAX_COMMENT:
        errors["comment"] = [_("El comentario puede tener como máximo %(n)d caracteres.", n=MAX_COMMENT)]
    if errors:
        raise ServiceError(errors)
    return cleaned


def can_owner_answer(visit: Visit, answered_via: str = "account") -> bool:
    """Can this visit still be answered by its owner this way? (fieldwork/visits/lifecycle.py: always
    with their account, approved or not; through a shared link only while no answer exists.)"""
    return lifecycle.can_owner_answer(visit, answered_via)


def speaker_refusal(actor: User | None, visit: Visit) -> ServiceError | None:
    """Why `actor` may not answer for the owner of `visit` (None: they may). Nobody logged in (a shared
    link) or the owner of the visit's Mipyme may; staff never answer for an owner, nor another owner."""
    if actor is None or (actor.role == "owner" and actor.mipyme_id == visit.mipyme_id):
        return None
    if actor.role in STAFF:
        return ServiceError({"decision": [_(
            "Este navegador tiene abierta una sesión del programa (%(name)s). Solo el propietario del negocio "
            "puede responder esta visita, desde su propio teléfono. Nada se registró.", name=actor.name)]}, 403)
    return ServiceError({"decision": [_(
        "Ha iniciado sesión con la cuenta de otro negocio. Esta visita es del propietario de %(mipyme)s; "
        "nada se registró.", mipyme=visit.mipyme.name)]}, 403)


def confirm_visit(
    visit: Visit,
    decision: str,
    comment: str | None,
    *,
    actor: User | None = None,
    answered_via: str = "account",
    via: str | None = None,
    revision: int | None = None,
    device: str | None = None,
    now: datetime | None = None,
) -> Visit:
    """Record the owner's decision on `visit` (confirmed or disputed); the caller commits.

    `answered_via` is how the owner spoke ("account", "link", or "link_code": a link answered with the
    owner's code; a link answers once), stored as given in `confirmed_via`; `via` is the request's channel,
    as everywhere ("web", "api", "link"; by default "link" for links, else "web"). `revision` is the revision the owner
    read: another one is refused with 409 (API without it: not checked). `device` is the link's browser
    (fieldwork/web/device.py). The owner may answer an approved visit too; a dispute reopens it for the
    supervisor, and re-opens one a supervisor had resolved (fieldwork/visits/lifecycle.py).
    """
    refusal = speaker_refusal(actor, visit)
    if refusal is not None:
        raise refusal
    cleaned = _validate(decision, comment)
    return lifecycle.owner_answer(visit, actor, decision, cleaned, answered_via=answered_via,
                                  via=via or ("web" if answered_via == "account" else "link"),
                                  read=revision, device=device, now=now)


@dataclass(frozen=True)
class OfficerConfirmation:
    """How owners answered one officer's visits; `confirmed` counts only independent confirmations."""

    officer_id: int
    officer_name: str
    visits: int
    confirmed: int
    disputed: int
    pending: int
    same_device: int = 0

    @property
    def rate(self) -> float | None:
        """Share of the officer's visits that owners confirmed independently (None without visits)."""
        return self.confirmed / self.visits if self.visits else None


def confirmation_rates_by_officer() -> list[OfficerConfirmation]:
    """Per officer, in no particular order (callers key them by officer): visits, independent
    confirmations, disputes, pending, and confirmations from the officer's own device (one GROUP BY over
    the per-Mipyme answer rows that fieldwork.mipymes.summary keeps)."""
    counts = OfficerAnswerRow
    rows = db.session.execute(
        select(User.id, User.name, func.sum(counts.visits), func.sum(counts.independent_confirmations),
               func.sum(counts.disputed), func.sum(counts.pending), func.sum(counts.same_device_confirmations))
        .join(counts, counts.officer_id == User.id)
        .group_by(User.id, User.name)
    ).all()
    return [
        OfficerConfirmation(officer_id=row[0], officer_name=row[1], visits=int(row[2]), confirmed=int(row[3]),
                            disputed=int(row[4]), pending=int(row[5]), same_device=int(row[6]))
        for row in rows
    ]


@dataclass(frozen=True)
class OpenDispute:
    """A dispute waiting for a supervisor, with what the owner said."""

    visit_id: str
    visited_at: datetime
    mipyme_id: int
    mipyme_name: str
    officer_id: int
    officer_name: str
    owner_comment: str | None
    disputed_at: datetime | None
    answered_via: str | None
    revision: int  # what the supervisor reads on the dashboard: their resolution is bound to it


def open_disputes(*, limit: int, offset: int = 0) -> list[OpenDispute]:
    """Disputed visits no supervisor has resolved, oldest dispute first (one query)."""
    rows = db.session.execute(
        select(Visit.id, Visit.visited_at, Mipyme.id, Mipyme.name, User.id, User.name,
               Visit.owner_comment, Visit.confirmed_at, Visit.confirmed_via, Visit.revision)
        .join(Mipyme, Mipyme.id == Visit.mipyme_id)
        .join(User, User.id == Visit.officer_id)
        .where(summary.open_dispute_condition())
        # The order of ix_visits_open_disputes. Every decision records confirmed_at; only rows written
        # by hand lack it, and those sort as each database puts NULLs (SQLite first, PostgreSQL last).
        .order_by(Visit.confirmed_at, Visit.id)
        .limit(limit).offset(offset)
    ).all()
    return [OpenDispute(*row) for row in rows]
