"""Exactly-once sync of visits sent by phones: validate each visit, then decide and store.

The visit's UUID (the primary key) is what makes a replay harmless; the content hash tells a replay
from an edit, and the revision tells an edit from a stale replay. Two concurrent sends of one new
visit are decided by the unique key: the loser's insert fails, its savepoint is rolled back, and the
batch is decided again against what is now stored (so it answers `duplicate`, never a 500).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from fieldwork import audit
from fieldwork.clock import local_date, programme_zone
from fieldwork.database import lock_for_writing
from fieldwork.extensions import db
from fieldwork.forms.visit_answers import answer_errors
from fieldwork.mipymes import projection
from fieldwork.models import Mipyme, User, Visit
from fieldwork.registry.history import Standing, assignment_error, standings
from fieldwork.text.i18n import day
from fieldwork.visits import lifecycle
from fieldwork.visits.content import CONTENT_FIELDS, FORM_FIELDS, content_hash
from fieldwork.visits.history import record_edit, record_event
from fieldwork.visits.schemas import VisitInputSchema, flatten_errors

CLOCK_SKEW = timedelta(minutes=10)
#: A conflict means another transaction committed one of our ids; each retry sees more rows stored.
MAX_ATTEMPTS = 5


@dataclass
class SyncResult:
    """The answer for one visit of a batch."""

    id: str | None
    status: str  # created, duplicate, updated, rejected
    errors: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.errors:
            body["errors"] = self.errors
        return body


def sync_batch(officer: User, raw_visits: list[Any], now: datetime, via: str = "api",
               device: str | None = None) -> list[SyncResult]:
    """Store what may be stored of `raw_visits`; one result per visit, in order. The caller commits.
    `device` (fieldwork/web/device.py) is stored on the visits created or updated, in the same write."""
    results: list[SyncResult | None] = [None] * len(raw_visits)
    valid: list[tuple[int, _Sent]] = []
    schema, zone = VisitInputSchema(), programme_zone()
    for index, raw in enumerate(raw_visits):
        try:
            if not isinstance(raw, dict):
                raise ValidationError({"_schema": [_("Cada visita debe ser un objeto JSON.")]})
            valid.append((index, _judged(_model_fields(schema.load(raw)), zone)))
        except ValidationError as error:
            results[index] = SyncResult(_raw_id(raw), "rejected", flatten_errors(error.messages))

    if valid:
        for index, result in _store(_Writer(officer, now, via, device, zone), valid):
            result.id = _raw_id(raw_visits[index])  # the phone matches results by the id it sent
            results[index] = result
    return [r for r in results if r is not None]


@dataclass(frozen=True)
class _Sent:
    """One valid visit of a batch, with what depends only on it: its content hash and its answers'
    errors, judged before the write lock is taken (a form's expressions never run while others wait)."""

    data: dict[str, Any]
    digest: str
    answer_errors: dict[str, list[str]]


def _judged(data: dict[str, Any], zone: ZoneInfo) -> _Sent:
    digest = content_hash(data)  # before answer_errors keeps only the answers to store in data["answers"]
    return _Sent(data, digest, answer_errors(data, zone))


@dataclass(frozen=True)
class _Writer:
    """Who sends a batch, when, how, from which device, and the programme's time zone."""

    officer: User
    now: datetime
    via: str
    device: str | None
    zone: ZoneInfo


def _store(writer: _Writer, valid: list[tuple[int, _Sent]]) -> list[tuple[int, SyncResult]]:
    """Decide and write inside a savepoint; on a unique-key conflict decide again against the winner's row."""
    lock_for_writing()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with db.session.begin_nested():  # rolled back to here if the unique key refuses an insert
                return _decide_all(writer, valid)
        except IntegrityError:
            if attempt == MAX_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@dataclass
class _Batch:
    """What deciding one batch needs: who sends, when, and the rows it touches (keyed by id)."""

    writer: _Writer
    stored: dict[str, Visit | SimpleNamespace]
    mipymes: dict[int, Mipyme]
    history: dict[int, list[Standing]]  # each Mipyme's assignment and active history, oldest first
    # New visits as plain objects (the same attributes as Visit), written with one bulk INSERT:
    # building and flushing an ORM object per visit cost more than all the rules together.
    new: list[SimpleNamespace] = field(default_factory=list)
    audit_entries: list[dict[str, Any]] = field(default_factory=list)  # written with one INSERT too


def _decide_all(writer: _Writer, valid: list[tuple[int, _Sent]]) -> list[tuple[int, SyncResult]]:
    """Apply each valid visit in order against what is stored (and what this batch already added)."""
    mipyme_ids = {sent.data["mipyme_id"] for _, sent in valid}
    mipymes = db.session.scalars(select(Mipyme).where(Mipyme.id.in_(mipyme_ids)))
    batch = _Batch(writer, stored=_load_stored({sent.data["id"] for _, sent in valid}),
                   mipymes={m.id: m for m in mipymes}, history=standings(mipyme_ids))
    decided = [(index, _decide_one(batch, sent)) for index, sent in valid]
    if batch.new:  # the unique key decides here: a concurrent send of one of these ids raises IntegrityError
        db.session.execute(insert(Visit), [vars(visit) for visit in batch.new])
        projection.add_new_visits(batch.new)  # a bulk INSERT: the projection is told now
    audit.record_all(batch.audit_entries)
    return decided


def _load_stored(ids: set[str]) -> dict[str, Visit]:
    """The stored visits with these ids, locked (FOR UPDATE on PostgreSQL) so that a concurrent
    edit of the same visit waits and revisions never go back."""
    query = (select(Visit).where(Visit.id.in_(ids)).order_by(Visit.id)
             .with_for_update().execution_options(populate_existing=True))
    return {visit.id: visit for visit in db.session.scalars(query)}


def _decide_one(batch: _Batch, sent: _Sent) -> SyncResult:
    """created, duplicate, updated or rejected: the order of the checks is the contract (API.md)."""
    data, digest = sent.data, sent.digest
    visit_id, officer = data["id"], batch.writer.officer
    visit = batch.stored.get(visit_id)
    if visit is not None:
        if visit.officer_id != officer.id:
            return _rejected(visit_id, "id", _("Este identificador pertenece a una visita de otro funcionario."))
        # A replay of what is stored, or of an older revision, is harmless whatever the visit's state.
        if visit.content_hash == digest or data["revision"] < visit.revision:
            return SyncResult(visit_id, "duplicate")
        refusal = lifecycle.edit_refusal(visit)
        if refusal is not None:
            return _rejected(visit_id, "review_status", refusal)
    errors = rule_errors(officer, data, batch.mipymes.get(data["mipyme_id"]), batch.writer.now, batch.writer.zone,
                         history=batch.history.get(data["mipyme_id"], []))
    errors.update(sent.answer_errors)
    if errors:
        return SyncResult(visit_id, "rejected", errors)
    if visit is None:
        new = SimpleNamespace(id=visit_id, officer_id=officer.id, content_hash=digest, received_at=batch.writer.now,
                              updated_at=batch.writer.now, review_status="submitted", owner_confirmation="pending",
                              sync_device=batch.writer.device, **_content(data))
        batch.new.append(new)
        batch.stored[visit_id] = new  # a later copy in this batch is then a replay or an edit of it
        batch.audit_entries.append(audit.entry_values(officer, "visit.created", "visit", visit_id, via=batch.writer.via,
                                                      revision=data["revision"]))
        return SyncResult(visit_id, "created")
    _update(batch, visit, data, digest)
    return SyncResult(visit_id, "updated")


def _rejected(visit_id: str, field_name: str, message: str) -> SyncResult:
    return SyncResult(visit_id, "rejected", {field_name: [message]})


def _update(batch: _Batch, visit: Visit | SimpleNamespace, data: dict[str, Any], digest: str) -> None:
    """The edit, written through the visit's locked row (`_load_stored`); what else an edit changes (the
    review state, the owner's answer) is fieldwork/visits/lifecycle.py's `edit_changes`."""
    writer = batch.writer
    record_edit(visit, data)  # keeps both revisions for the supervisor (fieldwork/visits/history.py)
    before, previous_revision = projection.facts(visit), visit.revision
    changes = lifecycle.edit_changes(visit)
    if changes.event is not None and isinstance(visit, Visit):
        record_event(visit.id, changes.event, data["revision"], writer.officer, None)
    for name, value in {**_content(data), **changes.values}.items():
        setattr(visit, name, value)
    visit.content_hash = digest
    visit.updated_at = writer.now
    if writer.device is not None:
        visit.sync_device = writer.device
    if isinstance(visit, Visit):  # one created earlier in this batch is summed with the batch's new visits
        projection.visit_changed(before, projection.facts(visit))
    batch.audit_entries.append(audit.entry_values(writer.officer, "visit.updated", "visit", visit.id, via=writer.via,
                                                  revision=data["revision"], previous_revision=previous_revision,
                                                  **changes.details))


def rule_errors(
    officer: User, data: dict[str, Any], mipyme: Mipyme | None, now: datetime, zone: ZoneInfo, *,
    history: list[Standing] | None = None,
) -> dict[str, list[str]]:
    """The rules beyond field validity: whose Mipyme, and when (Spanish messages per field).

    Assignment and activity are judged at `visited_at` against the Mipyme's `history` (API.md), so a
    visit made offline before a reassignment or a deactivation is still accepted from its officer.
    """
    errors: dict[str, list[str]] = {}
    visited_at: datetime = data["visited_at"]
    visit_day = local_date(visited_at, zone)
    if mipyme is None:
        errors["mipyme_id"] = [_("La Mipyme no existe.")]
    else:
        message = assignment_error(officer, mipyme, history or [], visited_at, zone)
        if message:
            errors["mipyme_id"] = [message]
    if visited_at > now + CLOCK_SKEW:
        errors["visited_at"] = [_("La fecha de la visita está en el futuro; revise la hora del teléfono.")]
    elif mipyme is not None and visit_day < mipyme.enrolled_on:
        # Compared by the programme's day: a visit at 23:30 in Bogotá is that day, though UTC says the next.
        errors["visited_at"] = [_("La visita es anterior al ingreso de la Mipyme al programa (%(day)s).",
                                  day=day(mipyme.enrolled_on))]
    due = data.get("follow_up_due")
    if due is not None and due < visit_day:
        errors["follow_up_due"] = [_("El seguimiento no puede ser anterior a la fecha de la visita.")]
    return errors


def _model_fields(loaded: dict[str, Any]) -> dict[str, Any]:
    """Loaded input → the model's field names (location flattened, texts trimmed, empty → None)."""
    data = dict(loaded)
    data["id"] = str(data["id"])
    location = data.pop("location", None) or {}
    data["latitude"] = location.get("lat")
    data["longitude"] = location.get("lon")
    data["accuracy_m"] = location.get("accuracy_m")
    for name in ("needs", "notes", "follow_up_reason"):
        value = data.get(name)
        data[name] = (value.strip() or None) if isinstance(value, str) else None
    data["topics"] = sorted(data.get("topics") or [])
    return data


def _content(data: dict[str, Any]) -> dict[str, Any]:
    """What a creation or an edit writes: the officer's fields, and the title the server computed from the
    answers (answer_errors), which is no part of the content hash."""
    return {**{name: data.get(name) for name in CONTENT_FIELDS + FORM_FIELDS}, "title": data.get("title")}


def _raw_id(raw: Any) -> str | None:
    value = raw.get("id") if isinstance(raw, dict) else None
    return value[:64] if isinstance(value, str) else None
