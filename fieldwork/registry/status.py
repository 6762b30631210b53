"""A Mipyme's status in the programme (active, graduated, closed, withdrawn, moved) and its history.

Kept like the assignment history (fieldwork/registry/history.py): each change is a new
MipymeStatusChange row with the day it took effect, never an update; `mipymes.status` and
`mipymes.exited_on` hold the latest, for filters. The status is the programme's record of where the
business stands; whether visits are still accepted is `active` (the assignment history), set apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from fieldwork import audit
from fieldwork.clock import programme_zone, today
from fieldwork.extensions import db
from fieldwork.models import MIPYME_STATUSES, Mipyme, MipymeStatusChange, User

REASON_LENGTH = 500
STATUS_FIELDS = ("status", "status_on", "status_reason")


@dataclass(frozen=True)
class StatusChange:
    """A checked change, ready to apply: the new status, the day it takes effect, why."""

    status: str
    on: date
    reason: str


def check(mipyme: Mipyme | None, data: dict[str, Any], errors: dict[str, list[str]]) -> StatusChange | None:
    """The status change `data` asks for (its `status`, `status_on`, `status_reason`), or None when it asks
    none (no `status`, or the status the Mipyme already has); refusals go into `errors`."""
    status = data.get("status")
    if status is None or status == (mipyme.status if mipyme is not None else "active"):
        return None
    reason = (data.get("status_reason") or "").strip()
    on = data.get("status_on") or today(programme_zone())
    if status not in MIPYME_STATUSES:
        errors["status"] = [_("Estado desconocido. Use uno de: %(codes)s.", codes=", ".join(MIPYME_STATUSES))]
    if len(reason) > REASON_LENGTH:
        errors["status_reason"] = [_("El motivo admite hasta %(max)d caracteres.", max=REASON_LENGTH)]
    if mipyme is None:
        errors["status"] = [_("Una Mipyme nueva ingresa activa; cambie su estado después de registrarla.")]
        return None
    message = _day_error(mipyme, on, data.get("enrolled_on"))
    if message:
        errors["status_on"] = [message]
    return StatusChange(status, on, reason)


def _day_error(mipyme: Mipyme, on: date, enrolled_on: date | None) -> str | None:
    """A change takes effect between the Mipyme's enrolment (or its latest change) and today."""
    if on > today(programme_zone()):
        return _("La fecha del cambio de estado no puede ser posterior a hoy.")
    enrolled = enrolled_on or mipyme.enrolled_on
    if on < enrolled:
        return _("La fecha del cambio de estado no puede ser anterior al ingreso al programa (%(day)s).",
                 day=enrolled.isoformat())
    latest = db.session.scalar(select(func.max(MipymeStatusChange.effective_on))
                               .where(MipymeStatusChange.mipyme_id == mipyme.id))
    if latest is not None and on < latest:
        return _("El estado ya cambió el %(day)s; la fecha no puede ser anterior.", day=latest.isoformat())
    return None


def first_change_on(mipyme: Mipyme) -> date | None:
    """The day of the Mipyme's first change of status after its enrolment row, or None."""
    return db.session.scalar(select(MipymeStatusChange.effective_on).where(MipymeStatusChange.mipyme_id == mipyme.id)
                             .order_by(MipymeStatusChange.effective_on, MipymeStatusChange.id).offset(1).limit(1))


def record_enrolment(mipyme: Mipyme, actor: User | None) -> None:
    """The first row of a new Mipyme: active from its enrolment."""
    db.session.add(MipymeStatusChange(mipyme_id=mipyme.id, status="active", effective_on=mipyme.enrolled_on,
                                      reason="", actor_id=actor.id if actor else None))


def apply(mipyme: Mipyme, change: StatusChange, actor: User | None, via: str) -> None:
    """Keep the change in the history and on the Mipyme: `exited_on` is the day it left `active`
    (kept through later exits: graduated, then moved), cleared when it comes back."""
    has_history = db.session.scalar(select(MipymeStatusChange.id)
                                    .where(MipymeStatusChange.mipyme_id == mipyme.id).limit(1))
    if has_history is None:  # written straight to the table (demo, an older import): its first state first
        db.session.add(MipymeStatusChange(mipyme_id=mipyme.id, status=mipyme.status,
                                          effective_on=mipyme.exited_on or mipyme.enrolled_on, reason=""))
    before = mipyme.status
    db.session.add(MipymeStatusChange(mipyme_id=mipyme.id, status=change.status, effective_on=change.on,
                                      reason=change.reason, actor_id=actor.id if actor else None))
    mipyme.status = change.status
    if change.status == "active":
        mipyme.exited_on = None
    elif before == "active" or mipyme.exited_on is None:
        mipyme.exited_on = change.on
    audit.record(actor, "mipyme.status_changed", "mipyme", mipyme.id, via=via, status=[before, change.status],
                 effective_on=change.on.isoformat(), reason=change.reason)


@dataclass(frozen=True)
class StatusEntry:
    """One line of a Mipyme's status history, for its pages."""

    status: str
    effective_on: date
    reason: str
    actor_name: str | None


def status_entries(mipyme: Mipyme) -> list[StatusEntry]:
    """The Mipyme's status history, oldest first, with the authors' names (one query); a Mipyme without
    rows has had its current status since its enrolment."""
    actor = aliased(User)
    rows = db.session.execute(
        select(MipymeStatusChange, actor.name).outerjoin(actor, actor.id == MipymeStatusChange.actor_id)
        .where(MipymeStatusChange.mipyme_id == mipyme.id)
        .order_by(MipymeStatusChange.effective_on, MipymeStatusChange.id)
    ).all()
    if not rows:
        return [StatusEntry(mipyme.status, mipyme.exited_on or mipyme.enrolled_on, "", None)]
    return [StatusEntry(row.status, row.effective_on, row.reason, name) for row, name in rows]
