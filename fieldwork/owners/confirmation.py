"""Owners confirm or dispute visits: one service for the owner's page, the API and the shared link."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.extensions import db
from fieldwork.mipymes import summary
from fieldwork.models import Mipyme, OfficerAnswerRow, User, Visit
from fieldwork.services import ServiceError, check_read_revision, stale_revision_error

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


def can_owner_answer(visit: Visit, via: str = "account") -> bool:
    """Can this visit still be answered by its owner? Until a supervisor approves it; through a shared
    link only once (while no answer exists). The one home of this rule: services, views and templates."""
    if visit.review_status == "approved":
        return False
    return via == "account" or visit.owner_confirmation == "pending"


def _refusal(visit: Visit) -> ServiceError:
    """Why a decision could not be stored, read from the visit's current state."""
    if visit.review_status == "approved":
        return ServiceError(
            {"decision": [_("Un supervisor ya aprobó esta visita: su respuesta ya no se puede cambiar.")]}, 409
        )
    return ServiceError({"decision": [_("Ya se registró una respuesta para esta visita.")]}, 409)


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
    via: str = "account",
    channel: str | None = None,
    revision: int | None = None,
    device: str | None = None,
    now: datetime | None = None,
) -> Visit:
    """Record the owner's decision on `visit` (confirmed or disputed); the caller commits.

    `via` is how the owner spoke ("account" or "link"; a link answers once, see `can_owner_answer`);
    `channel` is the audit log's via ("web", "api", "link"; by default "link" for links, else "web").
    `revision` is the revision the owner read: another one is refused with 409 (API without it: not
    checked). `device` is the link's browser (fieldwork/web/device.py). A decision can change until a
    supervisor approves the visit; a new dispute re-opens one a supervisor had resolved.
    """
    if via not in ("account", "link"):
        raise ValueError(f"unknown via {via!r}")
    refusal = speaker_refusal(actor, visit)
    if refusal is not None:
        raise refusal
    cleaned = _validate(decision, comment)
    if not can_owner_answer(visit, via):
        raise _refusal(visit)
    check_read_revision(visit.revision, revision)
    previous = visit.owner_confirmation
    unchanged = previous == decision and visit.owner_comment == cleaned
    if unchanged and not (decision == "disputed" and visit.dispute_resolved_at is not None):
        return visit  # a repeated tap changes nothing and logs nothing
    values: dict[str, object] = {
        "owner_confirmation": decision,
        "owner_comment": cleaned,
        "confirmed_at": now or utcnow(),
        "confirmed_via": via,
        "link_device": device if via == "link" else None,
    }
    if decision == "disputed":
        values.update(dispute_resolved_at=None, dispute_resolved_by_id=None, dispute_resolution_note=None,
                      dispute_outcome=None)
    # One guarded UPDATE: a supervisor's approval, an officer's edit or a second link decision arriving
    # at the same moment cannot be overwritten, because the database re-checks the condition on the row.
    read = visit.revision
    guard = [Visit.id == visit.id, Visit.review_status != "approved", Visit.revision == read]
    if via == "link":
        guard.append(Visit.owner_confirmation == "pending")
    result = db.session.execute(
        update(Visit).where(*guard).values(**values).execution_options(synchronize_session=False)
    )
    db.session.refresh(visit)
    if result.rowcount != 1:
        if visit.revision != read:
            raise stale_revision_error()
        raise _refusal(visit)
    summary.refresh([visit.mipyme_id])  # the UPDATE bypassed the ORM, so its flush cannot see it
    audit.record(
        actor, f"visit.{decision}", "visit", visit.id, via=channel or ("link" if via == "link" else "web"),
        previous=previous, comment=cleaned, confirmed_via=via, revision=read,
    )
    return visit


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
    via: str | None


def open_disputes(*, limit: int, offset: int = 0) -> list[OpenDispute]:
    """Disputed visits no supervisor has resolved, oldest dispute first (one query)."""
    rows = db.session.execute(
        select(Visit.id, Visit.visited_at, Mipyme.id, Mipyme.name, User.id, User.name,
               Visit.owner_comment, Visit.confirmed_at, Visit.confirmed_via)
        .join(Mipyme, Mipyme.id == Visit.mipyme_id)
        .join(User, User.id == Visit.officer_id)
        .where(summary.open_dispute_condition())
        # The order of ix_visits_open_disputes. Every decision records confirmed_at; only rows written
        # by hand lack it, and those sort as each database puts NULLs (SQLite first, PostgreSQL last).
        .order_by(Visit.confirmed_at, Visit.id)
        .limit(limit).offset(offset)
    ).all()
    return [OpenDispute(*row) for row in rows]
