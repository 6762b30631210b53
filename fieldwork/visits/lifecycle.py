"""A visit's life: every transition of a visit is decided here, and nowhere else.

A visit has a review state (submitted, returned, approved) and its owner's answer (pending, confirmed,
disputed); a dispute is open until a supervisor resolves it. `RULES` is this table (who: its key):

| action        | who                      | allowed when          | becomes                                 |
|---------------|--------------------------|-----------------------|-----------------------------------------|
| created       | officer (sync)           | a new id              | submitted, pending                      |
| edited        | officer (sync)           | submitted or returned | submitted; confirmed → pending; upheld  |
|               |                          |                       | dispute (owner_right) → pending         |
| photo_added   | officer                  | submitted or returned | confirmed → pending                     |
| approved      | supervisor               | submitted or returned | approved                                |
| returned      | supervisor (comment)     | submitted or returned | returned                                |
| confirmed     | account                  | any state             | confirmed                               |
| confirmed     | link                     | pending               | confirmed                               |
| confirmed     | link_code                | pending, or answered  | confirmed                               |
|               |                          | by link without code  |                                         |
| disputed      | account                  | any state             | disputed, open; approved → submitted    |
| disputed      | link                     | pending               | disputed, open; approved → submitted    |
| disputed      | link_code                | as confirmed          | disputed, open; approved → submitted    |
| owner_right   | supervisor (note)        | an open dispute       | closed; returned, the note its comment  |
| record_stands | supervisor (note)        | an open dispute       | closed; the review state stays          |

Each transition: lock and read the row, check the rule and the revision the person read (409, nothing
changes), one guarded UPDATE, its review event, one audit entry, `projection.visit_changed(before, after)`.
Sync writes creations and edits in bulk, asking `edit_refusal` and `edit_changes`. docs/visit-lifecycle.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, update

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.database import lock_for_writing
from fieldwork.extensions import db
from fieldwork.mipymes import projection, summary
from fieldwork.models import User, Visit
from fieldwork.services import ServiceError, check_read_revision
from fieldwork.visits.history import record_event

EDITABLE = ("submitted", "returned")
# How an owner answers (stored in `confirmed_via`; `answered_via` in parameters, `via` being always the
# request's channel: web, api, link, cli).
LINKS = ("link", "link_code")  # a shared link, answered with or without the owner's code: once
ANSWERED_VIAS = ("account", *LINKS)
_REOPENED = {"approved": "submitted"}  # an owner's dispute of an approved visit: the review state after it


@dataclass(frozen=True)
class Rule:
    """When an action is allowed: review states (None: any), owner's answers (None: any), open dispute."""

    review_from: tuple[str, ...] | None = None
    owner_from: tuple[str, ...] | None = None
    open_dispute: bool = False
    # The owner's code outranks an unverified link answer (anyone holding the link, the officer too, could
    # have given it): the owner with the code still has their say.
    or_unverified_link: bool = False

    def allows(self, visit: Any) -> bool:
        return ((self.review_from is None or visit.review_status in self.review_from)
                and (self.owner_from is None or visit.owner_confirmation in self.owner_from
                     or (self.or_unverified_link and visit.confirmed_via == "link"))
                and (not self.open_dispute or dispute_open(visit)))

    def guard(self) -> list[Any]:
        """The same condition in SQL, for the UPDATE's WHERE."""
        conditions = []
        if self.review_from is not None:
            conditions.append(Visit.review_status.in_(self.review_from))
        if self.owner_from is not None:
            owner = Visit.owner_confirmation.in_(self.owner_from)
            conditions.append(or_(owner, Visit.confirmed_via == "link") if self.or_unverified_link else owner)
        if self.open_dispute:
            conditions.append(summary.open_dispute_condition())
        return conditions


RULES: dict[tuple[str, str], Rule] = {
    ("edited", "officer"): Rule(review_from=EDITABLE),
    ("photo_added", "officer"): Rule(review_from=EDITABLE),
    ("approved", "supervisor"): Rule(review_from=EDITABLE),
    ("returned", "supervisor"): Rule(review_from=EDITABLE),
    **{(decision, "account"): Rule() for decision in ("confirmed", "disputed")},
    **{(decision, "link"): Rule(owner_from=("pending",)) for decision in ("confirmed", "disputed")},
    **{(decision, "link_code"): Rule(owner_from=("pending",), or_unverified_link=True)
       for decision in ("confirmed", "disputed")},
    ("owner_right", "supervisor"): Rule(open_dispute=True),
    ("record_stands", "supervisor"): Rule(open_dispute=True),
}


# ---- What pages and sync ask ------------------------------------------------------------------------

def dispute_open(visit: Any) -> bool:
    """The owner disputed the visit and no supervisor has resolved it."""
    return visit.owner_confirmation == "disputed" and visit.dispute_resolved_at is None


def awaiting_review(visit: Any) -> bool:
    """In the supervisor's queue: sent (or corrected, or reopened by a dispute) and not decided yet."""
    return visit.review_status == "submitted"


def may_review(visit: Any) -> bool:
    """May a supervisor approve or return it now? (The same for both decisions.)"""
    return RULES[("approved", "supervisor")].allows(visit)


def may_edit(visit: Any) -> bool:
    """May its officer change it (content or photos)? Not once approved, until a dispute reopens it."""
    return RULES[("edited", "officer")].allows(visit)


def owner_has_answered(visit: Any) -> bool:
    """Has the owner confirmed or disputed it? (The supervisor sees it before approving.)"""
    return visit.owner_confirmation != "pending"


def can_owner_answer(visit: Any, answered_via: str) -> bool:
    """Can this visit still be answered by its owner this way? Always with their account (approval does
    not end their say); through a shared link only while no answer exists, or with the owner's code
    while the only answer came through the link without it."""
    return RULES[("confirmed", answered_via)].allows(visit)


def edit_refusal(visit: Any) -> str | None:
    """Why its officer may not edit the visit (None: they may)."""
    return None if may_edit(visit) else _("La visita ya fue aprobada y no se puede modificar.")


@dataclass(frozen=True)
class EditChanges:
    """What an edit changes besides the content: column values, the audit's details, a review event."""

    values: dict[str, Any]
    details: dict[str, str]
    event: str | None


def edit_changes(visit: Any) -> EditChanges:
    """An edit by its officer: a returned visit goes back to the supervisor's queue ("resubmitted"), and an
    owner who confirmed other content, or whose dispute was upheld, is asked again."""
    values: dict[str, Any] = {}
    details: dict[str, str] = {}
    event = None
    if visit.review_status == "returned":
        values["review_status"], details["review_status"], event = "submitted", "returned→submitted", "resubmitted"
    values.update(_ask_owner_again(visit, details, upheld_dispute_too=True))
    return EditChanges(values, details, event)


def upheld_dispute(visit: Any) -> bool:
    """A supervisor agreed with the owner's dispute and the officer has not corrected the visit yet."""
    return visit.owner_confirmation == "disputed" and visit.dispute_outcome == "owner_right"


def _ask_owner_again(visit: Any, details: dict[str, str], *, upheld_dispute_too: bool) -> dict[str, Any]:
    upheld = upheld_dispute_too and upheld_dispute(visit)
    if visit.owner_confirmation != "confirmed" and not upheld:
        return {}
    details["owner_confirmation"] = f"{visit.owner_confirmation}→pending"
    return {"owner_confirmation": "pending", "confirmed_at": None, "confirmed_via": None}


# ---- Transitions --------------------------------------------------------------------------------------

def _read_for_writing(visit: Visit) -> None:
    """The visit as stored now, locked until the transaction ends: every check below judges this state."""
    lock_for_writing()
    # FOR UPDATE OF visits: a page may have loaded the visit with outer-joined relations, and PostgreSQL
    # locks no nullable side of an outer join.
    db.session.refresh(visit, with_for_update={"of": Visit})


def _refusal(action: str, visit: Visit) -> ServiceError:
    """Why `action` is not allowed in the visit's current state (409), in words for the person."""
    if action in ("approved", "returned"):
        return ServiceError({"decision": [_("Esta visita ya fue aprobada y está cerrada.")]}, 409)
    if action in ("confirmed", "disputed"):
        return ServiceError({"decision": [_("Ya se registró una respuesta para esta visita.")]}, 409)
    if action == "photo_added":
        return ServiceError({"file": [_("La visita ya fue aprobada: no admite fotos nuevas.")]}, 409)
    if visit.owner_confirmation == "disputed" and visit.dispute_resolved_at is not None:
        return ServiceError({"note": [_("Otro supervisor ya resolvió esta disputa. Recargue la visita para ver "
                                        "cómo quedó.")]}, 409)
    return ServiceError({"note": [_("Esta visita no tiene una disputa abierta.")]}, 409)


def _apply(visit: Visit, action: str, who: str, values: dict[str, Any], read: int | None,
           *, bound: bool = True) -> None:
    """Check the rule and the revision read (None: not sent, API only; a photo is bound to none), then the
    one guarded UPDATE of the row `_read_for_writing` locked: the WHERE still carries the rule, so the
    database itself refuses a write the rule does not allow."""
    rule = RULES[(action, who)]
    if not rule.allows(visit):
        raise _refusal(action, visit)
    if bound:
        check_read_revision(visit.revision, read)
    before = projection.facts(visit)
    guard = [Visit.id == visit.id, Visit.revision == visit.revision, *rule.guard()]
    result = db.session.execute(update(Visit).where(*guard).values(**values)
                                .execution_options(synchronize_session=False))
    db.session.refresh(visit)
    if result.rowcount != 1:
        raise _refusal(action, visit)
    projection.visit_changed(before, projection.facts(visit))


def check_supervisor(actor: User, action: str) -> None:
    """Only a supervisor may "review" a visit or "resolve" a dispute (403). Services call this before
    checking the input, so that the refusal is the first thing a person who may not act hears."""
    if actor.role == "supervisor":
        return
    if action == "review":
        raise ServiceError({"decision": [_("Solo un supervisor puede revisar visitas.")]}, status=403)
    raise ServiceError({"note": [_("Solo un supervisor puede resolver disputas.")]}, status=403)


def review(supervisor: User, visit: Visit, decision: str, comment: str | None, *, read: int | None,
           via: str) -> Visit:
    """approved or returned (the caller checked the decision and the comment)."""
    check_supervisor(supervisor, "review")
    _read_for_writing(visit)
    previous = visit.review_status
    _apply(visit, decision, "supervisor", {"review_status": decision, "review_comment": comment,
                                           "reviewed_by_id": supervisor.id, "reviewed_at": utcnow()}, read)
    record_event(visit.id, decision, visit.revision, supervisor, comment)
    audit.record(supervisor, f"visit.{decision}", "visit", visit.id, via=via, previous=previous, comment=comment,
                 revision=visit.revision)
    return visit


def owner_answer(visit: Visit, actor: User | None, decision: str, comment: str | None, *, answered_via: str,
                 via: str, read: int | None, device: str | None = None, now: Any = None) -> Visit:
    """confirmed or disputed, through the owner's account or a link (`answered_via`), by a request
    through `via`; the caller checked who speaks and the comment."""
    if answered_via not in ANSWERED_VIAS:
        raise ValueError(f"unknown answered_via {answered_via!r}")
    if (answered_via in LINKS) != (via == "link"):  # a caller still passing the owner's way as `via`
        raise ValueError(f"an answer by {answered_via!r} cannot come through {via!r}")
    _read_for_writing(visit)
    previous, previous_review = visit.owner_confirmation, visit.review_status
    if answered_via == "account" and previous == decision and visit.owner_comment == comment and not (
            decision == "disputed" and visit.dispute_resolved_at is not None):
        check_read_revision(visit.revision, read)
        return visit  # a repeated tap changes nothing and logs nothing (a new dispute of a resolved one does)
    values: dict[str, Any] = {"owner_confirmation": decision, "owner_comment": comment,
                              "confirmed_at": now or utcnow(), "confirmed_via": answered_via,
                              "link_device": device if answered_via in LINKS else None}
    if decision == "disputed":  # a new dispute is open, and an approved visit back in the supervisor's queue
        values.update(dispute_resolved_at=None, dispute_resolved_by_id=None, dispute_resolution_note=None,
                      dispute_outcome=None, review_status=_REOPENED.get(previous_review, previous_review))
    _apply(visit, decision, answered_via, values, read)
    details: dict[str, Any] = {}
    if previous_review != visit.review_status:
        details["review_status"] = f"{previous_review}→{visit.review_status}"
        record_event(visit.id, "reopened", visit.revision, actor, comment)
    audit.record(actor, f"visit.{decision}", "visit", visit.id, via=via, previous=previous, comment=comment,
                 confirmed_via=answered_via, revision=visit.revision, **details)
    return visit


def resolve(supervisor: User, visit: Visit, outcome: str, note: str, *, read: int | None, via: str) -> Visit:
    """owner_right (back to its officer, the note as the supervisor's instruction) or record_stands."""
    check_supervisor(supervisor, "resolve")
    _read_for_writing(visit)
    now = utcnow()
    values: dict[str, Any] = {"dispute_resolved_at": now, "dispute_resolved_by_id": supervisor.id,
                              "dispute_resolution_note": note, "dispute_outcome": outcome}
    if outcome == "owner_right":
        # The owner's words stay theirs (owner_comment); what the officer must do is the supervisor's note.
        values.update(review_status="returned", review_comment=note, reviewed_by_id=supervisor.id, reviewed_at=now)
    _apply(visit, outcome, "supervisor", values, read)
    record_event(visit.id, outcome, visit.revision, supervisor, note)
    audit.record(supervisor, "visit.dispute_resolved", "visit", visit.id, via=via, note=note, outcome=outcome,
                 owner_comment=visit.owner_comment, revision=visit.revision)
    return visit


def check_photo(visit: Visit) -> None:
    """Refuse a new photo before reading its bytes: an approved visit takes none (ServiceError 409)."""
    if not RULES[("photo_added", "officer")].allows(visit):
        raise _refusal("photo_added", visit)


def photo_added(visit: Visit, officer: User, photo_id: str, *, via: str) -> None:
    """A new photo of `visit` (the caller adds its row, in the same transaction): an owner who confirmed
    the visit without it is asked again."""
    _read_for_writing(visit)
    details: dict[str, str] = {}
    values = _ask_owner_again(visit, details, upheld_dispute_too=False) or {"review_status": visit.review_status}
    _apply(visit, "photo_added", "officer", values, None, bound=False)
    audit.record(officer, "photo.created", "photo", photo_id, via=via, visit_id=visit.id, **details)
