"""Owners confirm or dispute visits: one service for the owner's page, the API and the shared link."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import case, func, select, update

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.extensions import db
from fieldwork.models import Mipyme, User, Visit
from fieldwork.services import ServiceError

DECISIONS = ("confirmed", "disputed")
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


def _refusal(visit: Visit) -> ServiceError:
    """Why a decision could not be stored, read from the visit's current state."""
    if visit.review_status == "approved":
        return ServiceError(
            {"decision": [_("Un supervisor ya aprobó esta visita: su respuesta ya no se puede cambiar.")]}, 409
        )
    return ServiceError({"decision": [_("Ya se registró una respuesta para esta visita.")]}, 409)


def confirm_visit(
    visit: Visit,
    decision: str,
    comment: str | None,
    *,
    actor: User | None = None,
    via: str = "account",
    channel: str | None = None,
    only_if_pending: bool = False,
    now: datetime | None = None,
) -> Visit:
    """Record the owner's decision on `visit` (confirmed or disputed); the caller commits.

    `via` is how the owner spoke ("account" or "link"); `channel` is the audit log's via ("web", "api",
    "link"; by default "link" for links, else "web"). `only_if_pending` refuses a second decision, as a
    shared link must. A decision can change until a supervisor approves the visit; a new dispute re-opens
    one a supervisor had resolved.
    """
    cleaned = _validate(decision, comment)
    if via not in ("account", "link"):
        raise ValueError(f"unknown via {via!r}")
    previous = visit.owner_confirmation
    unchanged = previous == decision and visit.owner_comment == cleaned
    if unchanged and not (decision == "disputed" and visit.dispute_resolved_at is not None):
        if visit.review_status == "approved" or only_if_pending:
            raise _refusal(visit)
        return visit  # a repeated tap changes nothing and logs nothing
    values: dict[str, object] = {
        "owner_confirmation": decision,
        "owner_comment": cleaned,
        "confirmed_at": now or utcnow(),
        "confirmed_via": via,
    }
    if decision == "disputed":
        values.update(dispute_resolved_at=None, dispute_resolved_by_id=None, dispute_resolution_note=None)
    # One guarded UPDATE: a supervisor's approval or a second link decision arriving at the same moment
    # cannot be overwritten, because the database re-checks the condition on the row it locks.
    guard = [Visit.id == visit.id, Visit.review_status != "approved"]
    if only_if_pending:
        guard.append(Visit.owner_confirmation == "pending")
    result = db.session.execute(
        update(Visit).where(*guard).values(**values).execution_options(synchronize_session=False)
    )
    db.session.refresh(visit)
    if result.rowcount != 1:
        raise _refusal(visit)
    audit.record(
        actor, f"visit.{decision}", "visit", visit.id, via=channel or ("link" if via == "link" else "web"),
        previous=previous, comment=cleaned, confirmed_via=via,
    )
    return visit


@dataclass(frozen=True)
class OfficerConfirmation:
    """How owners answered one officer's visits."""

    officer_id: int
    officer_name: str
    visits: int
    confirmed: int
    disputed: int
    pending: int

    @property
    def rate(self) -> float | None:
        """Share of the officer's visits that owners confirmed (None without visits)."""
        return self.confirmed / self.visits if self.visits else None


def confirmation_rates_by_officer() -> list[OfficerConfirmation]:
    """Per officer: visits, and how many owners confirmed, disputed or left pending (one GROUP BY)."""

    def count(state: str):
        return func.coalesce(func.sum(case((Visit.owner_confirmation == state, 1), else_=0)), 0)

    rows = db.session.execute(
        select(User.id, User.name, func.count(Visit.id), count("confirmed"), count("disputed"), count("pending"))
        .join(Visit, Visit.officer_id == User.id)
        .group_by(User.id, User.name)
        .order_by(User.name, User.id)
    ).all()
    return [
        OfficerConfirmation(officer_id=row[0], officer_name=row[1], visits=int(row[2]), confirmed=int(row[3]),
                            disputed=int(row[4]), pending=int(row[5]))
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


def open_disputes(limit: int = 200) -> list[OpenDispute]:
    """Disputed visits no supervisor has resolved, oldest dispute first (one query)."""
    rows = db.session.execute(
        select(Visit.id, Visit.visited_at, Mipyme.id, Mipyme.name, User.id, User.name,
               Visit.owner_comment, Visit.confirmed_at, Visit.confirmed_via)
        .join(Mipyme, Mipyme.id == Visit.mipyme_id)
        .join(User, User.id == Visit.officer_id)
        .where(Visit.owner_confirmation == "disputed", Visit.dispute_resolved_at.is_(None))
        .order_by(Visit.confirmed_at.asc().nulls_first(), Visit.id)
        .limit(limit)
    ).all()
    return [OpenDispute(*row) for row in rows]
