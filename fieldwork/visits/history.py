"""A visit's history: each revision's content (kept by sync's update path) and each review decision.

Written by sync's update path (revisions) and fieldwork/visits/lifecycle.py (events); read by the supervisor's
visit page (what changed, field by field, and who decided what) and the visit log ("corregida").
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, exists, or_, select

from fieldwork.extensions import db
from fieldwork.models import Mipyme, ReviewEvent, User, Visit, VisitRevision
from fieldwork.text.i18n import cop, day, moment, number
from fieldwork.text.labels import label
from fieldwork.visits.content import CONTENT_FIELDS

#: The officer's fields a supervisor compares, in the page's order, with how each value reads.
FIELD_LABELS = {
    "visited_at": _l("Fecha y hora"),
    "mipyme_id": _l("Mipyme"),
    "topics": _l("Temas"),
    "production_units": _l("Unidades producidas"),
    "monthly_sales_cop": _l("Ventas mensuales"),
    "employees": _l("Empleados"),
    "needs": _l("Necesidades"),
    "notes": _l("Notas"),
    "follow_up_due": _l("Seguimiento"),
    "follow_up_reason": _l("Motivo del seguimiento"),
    "latitude": _l("Latitud"),
    "longitude": _l("Longitud"),
    "accuracy_m": _l("Precisión (m)"),
}
EVENT_LABELS = {
    "approved": _l("Aprobada"),
    "returned": _l("Devuelta al funcionario"),
    "resubmitted": _l("Corregida y reenviada por el funcionario"),
    "owner_right": _l("Disputa resuelta: el propietario tiene razón"),
    "record_stands": _l("Disputa resuelta: el registro se mantiene"),
    "reopened": _l("Reabierta: el propietario disputó la visita aprobada"),
}
COMPARED = tuple(name for name in CONTENT_FIELDS if name != "revision")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return sorted(value)
    return value


def snapshot(source: Any) -> dict[str, Any]:
    """The officer's content of a visit (a Visit, or the sync's field dict) as JSON values."""
    read = source.get if isinstance(source, dict) else lambda name: getattr(source, name, None)
    return {name: _jsonable(read(name)) for name in COMPARED}


def record_edit(visit: Visit | SimpleNamespace, data: dict[str, Any]) -> None:
    """Sync's update path calls this before it replaces `visit`'s content with `data`: keep both revisions.
    (What else an edit changes is fieldwork/visits/lifecycle.py's `edit_changes`.)"""
    if not isinstance(visit, Visit):
        return  # created earlier in the same batch: not inserted yet, and its first content was never read
    # Rows are read in insertion order: a phone that changes the content without raising the revision
    # still leaves two rows, so nothing the supervisor read is ever overwritten.
    if not db.session.scalar(select(exists().where(VisitRevision.visit_id == visit.id))):
        db.session.add(VisitRevision(visit_id=visit.id, revision=visit.revision, content=snapshot(visit)))
    db.session.add(VisitRevision(visit_id=visit.id, revision=data["revision"], content=snapshot(data)))


def record_event(visit_id: str, kind: str, revision: int, author: User | None, comment: str | None) -> None:
    """One step of the visit's review history (fieldwork/visits/lifecycle.py decides when)."""
    db.session.add(ReviewEvent(visit_id=visit_id, kind=kind, revision=revision,
                               author_id=author.id if author is not None else None, comment=comment))


def corrected_condition() -> ColumnElement[bool]:
    """A visit its officer corrected: a later revision, or content replaced after it was sent (SQL)."""
    return or_(Visit.revision > 1, exists().where(VisitRevision.visit_id == Visit.id))


# ---- Reading, for the visit page ------------------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class RevisionChange:
    """What changed from one kept revision to the next."""

    from_revision: int
    to_revision: int
    recorded_at: datetime
    changes: list[FieldChange]


#: How a stored JSON value of each field reads on the page (numbers otherwise in es-CO, text as is).
_FORMATS: dict[str, Callable[[Any], str]] = {
    "visited_at": lambda v: moment(datetime.fromisoformat(v), "d MMM y, HH:mm"),
    "follow_up_due": lambda v: day(date.fromisoformat(v), "long"),
    "topics": lambda v: ", ".join(label("topic", t) for t in v),
    "monthly_sales_cop": cop,
}


def _shown(name: str, value: Any, mipymes: dict[int, str]) -> str:
    if value is None or value in ([], ""):
        return "—"
    if name == "mipyme_id":
        return mipymes.get(value, f"#{value}")
    if name in _FORMATS:
        return _FORMATS[name](value)
    return number(value) if isinstance(value, (int, float)) else str(value)


def revision_changes(visit: Visit) -> list[RevisionChange]:
    """Each step between kept revisions, oldest first, with only the fields that changed (2 queries)."""
    kept = list(db.session.scalars(
        select(VisitRevision).where(VisitRevision.visit_id == visit.id).order_by(VisitRevision.id)))
    ids = {r.content.get("mipyme_id") for r in kept} - {None}
    mipymes: dict[int, str] = {}
    if len(ids) > 1:  # only a visit moved to another Mipyme needs the names
        mipymes = dict(db.session.execute(select(Mipyme.id, Mipyme.name).where(Mipyme.id.in_(ids))).all())
    steps = []
    for before, after in zip(kept, kept[1:], strict=False):
        changes = [
            FieldChange(str(FIELD_LABELS[name]), _shown(name, before.content.get(name), mipymes),
                        _shown(name, after.content.get(name), mipymes))
            for name in COMPARED if before.content.get(name) != after.content.get(name)
        ]
        steps.append(RevisionChange(before.revision, after.revision, after.recorded_at, changes))
    return steps


def event_label(kind: str) -> str:
    return str(EVENT_LABELS.get(kind, kind))


@dataclass(frozen=True)
class HistoryEntry:
    kind: str
    comment: str | None
    author_name: str | None
    revision: int
    at: datetime


def review_history(visit: Visit) -> list[HistoryEntry]:
    """Every return, approval, resubmission and dispute outcome, oldest first, with its author (1 query)."""
    rows = db.session.execute(
        select(ReviewEvent, User.name).outerjoin(User, User.id == ReviewEvent.author_id)
        .where(ReviewEvent.visit_id == visit.id).order_by(ReviewEvent.created_at, ReviewEvent.id)
    ).all()
    return [HistoryEntry(e.kind, e.comment, name, e.revision, e.created_at) for e, name in rows]
