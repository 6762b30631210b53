"""A visit's shapes: what the phone sends (sync reads it) and what the server answers (the API, and the
officer's pages that carry visits for the offline app)."""
from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from flask import url_for
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from fieldwork.models import CONFIRMATION_STATES, MAX_ID, REVIEW_STATES, TOPICS, Photo, User, Visit
from fieldwork.text import schema_messages  # noqa: F401  (Spanish messages before any schema is built)


class LocationSchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    accuracy_m = fields.Float(allow_none=True, validate=validate.Range(min=0, max=100_000))


class PhotoRefSchema(Schema):
    id = fields.String()
    url = fields.String()
    content_type = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    size_bytes = fields.Integer()


class VisitSchema(Schema):
    """A stored visit as the API answers it."""

    id = fields.String()
    mipyme_id = fields.Integer()
    officer_id = fields.Integer()
    visited_at = fields.AwareDateTime()
    topics = fields.List(fields.String(validate=validate.OneOf(TOPICS)))
    production_units = fields.Integer(allow_none=True)
    monthly_sales_cop = fields.Integer(allow_none=True)
    employees = fields.Integer(allow_none=True)
    needs = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    follow_up_due = fields.Date(allow_none=True)
    follow_up_reason = fields.String(allow_none=True)
    location = fields.Nested(LocationSchema, allow_none=True)
    revision = fields.Integer()
    received_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    review_status = fields.String(validate=validate.OneOf(REVIEW_STATES))
    review_comment = fields.String(allow_none=True)
    owner_confirmation = fields.String(validate=validate.OneOf(CONFIRMATION_STATES))
    owner_comment = fields.String(allow_none=True)
    dispute_resolved_at = fields.AwareDateTime(allow_none=True)
    dispute_resolution_note = fields.String(allow_none=True)
    dispute_outcome = fields.String(allow_none=True, validate=validate.OneOf(("owner_right", "record_stands")))
    photos = fields.List(fields.Nested(PhotoRefSchema))
    form_version_id = fields.Integer(allow_none=True)
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(), allow_none=True)
    # The form's instance_name over the answers, computed by the server (a server field: dropped on input).
    title = fields.String(allow_none=True)


#: What owners' answers leave out (API.md): the supervisor's word to the officer is not for the owner, nor is
#: where the officer stood (their phone's GPS position tells where they go, not what the business did).
OWNER_HIDDEN = ("review_comment", "location")


def visit_schema_for(reader: User | None) -> VisitSchema:
    """The one decision of which visit fields a reader gets (every API route that answers visits)."""
    if reader is not None and reader.role == "owner":
        return VisitSchema(exclude=OWNER_HIDDEN)
    return VisitSchema()


def dump_visit(visit: Visit, reader: User | None = None) -> dict[str, Any]:
    """The API body of one visit as `reader` may see it (photos included; load them with selectinload)."""
    location = None
    if visit.latitude is not None and visit.longitude is not None:
        location = {"lat": visit.latitude, "lon": visit.longitude, "accuracy_m": visit.accuracy_m}
    data = {name: getattr(visit, name) for name in VisitSchema._declared_fields if hasattr(visit, name)}
    data["location"] = location
    data["photos"] = [_photo_ref(p) for p in visit.photos]
    return visit_schema_for(reader).dump(data)


def _photo_ref(photo: Photo) -> dict[str, Any]:
    return {"id": photo.id, "url": url_for("api.get_photo", photo_id=photo.id), "content_type": photo.content_type,
            "width": photo.width, "height": photo.height, "size_bytes": photo.size_bytes}


def dump_photo(photo: Photo) -> dict[str, Any]:
    """The API body of one photo: where to fetch it and what it is."""
    return PhotoRefSchema().dump(_photo_ref(photo))


# --- What the phone sends (issue 3) ------------------------------------------------------------

MAX_COUNT = 10_000_000  # production units, employees: far above any Mipyme, far below a 32-bit overflow
MAX_SALES_COP = 10**13  # ten trillion pesos a month; BigInteger holds it on both databases
MAX_REVISION = 1_000_000
TEXT_MAX = 2000  # needs and notes
REASON_MAX = 500  # the follow-up's reason
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

#: Fields the server adds; a phone that resends a visit it read from the API may carry them, so they
#: are dropped on input instead of refused (an unknown field is still refused, to catch typos).
SERVER_FIELDS = frozenset(VisitSchema._declared_fields) - {
    "id", "mipyme_id", "visited_at", "topics", "production_units", "monthly_sales_cop", "employees",
    "needs", "notes", "follow_up_due", "follow_up_reason", "location", "revision", "form_version_id", "answers",
}


class Count(fields.Integer):
    """An integer that refuses booleans (JSON `true` is not 1 employee) and fractions (marshmallow's
    non-strict Integer would truncate 2.5 to 2); numeric strings like "12" are accepted."""

    def _validated(self, value: Any) -> int | None:
        if isinstance(value, bool) or (isinstance(value, float) and math.isfinite(value) and not value.is_integer()):
            raise self.make_error("invalid")
        return super()._validated(value)


def bounded_moment(value: datetime) -> None:
    """Years outside 2000–2099 are typos, and year 9999 with an offset overflows when made UTC."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError as error:
        raise ValidationError("Fecha fuera del rango admitido (años 2000 a 2099).") from error
    if not EARLIEST <= utc < LATEST:
        raise ValidationError("Fecha fuera del rango admitido (años 2000 a 2099).")


def _no_repeats(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("No repita temas.")


def _text(max_length: int, error: str) -> fields.String:
    """A free text of the visit, bounded (API.md) and refused with a message that names it."""
    return fields.String(allow_none=True, validate=validate.Length(max=max_length, error=error))


class VisitInputSchema(Schema):
    """One visit as the phone sends it to `POST /api/v1/visits/sync`."""

    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    mipyme_id = Count(required=True, validate=validate.Range(min=1, max=MAX_ID))
    visited_at = fields.AwareDateTime(required=True, validate=bounded_moment)
    topics = fields.List(
        fields.String(validate=validate.OneOf(TOPICS, error="Tema desconocido. Use uno de: {choices}.")),
        required=True, validate=[_no_repeats, validate.Length(max=len(TOPICS))],
    )
    production_units = Count(allow_none=True, validate=validate.Range(min=0, max=MAX_COUNT))
    monthly_sales_cop = Count(allow_none=True, validate=validate.Range(min=0, max=MAX_SALES_COP))
    employees = Count(allow_none=True, validate=validate.Range(min=0, max=MAX_COUNT))
    needs = _text(TEXT_MAX, "Las necesidades admiten como máximo {max} caracteres; acórtelas.")
    notes = _text(TEXT_MAX, "Las observaciones admiten como máximo {max} caracteres; acórtelas.")
    follow_up_due = fields.Date(allow_none=True, validate=validate.Range(min=EARLIEST.date(), max=LATEST.date()))
    follow_up_reason = _text(REASON_MAX, "El motivo del seguimiento admite como máximo {max} caracteres; acórtelo.")
    location = fields.Nested(LocationSchema, allow_none=True)
    revision = Count(load_default=1, validate=validate.Range(min=1, max=MAX_REVISION))
    # Checked against the version's questions by fieldwork.forms.answers (errors under answers.<name>).
    form_version_id = Count(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    answers = fields.Dict(keys=fields.String(validate=validate.Length(
                              max=200, error="El nombre de una pregunta admite hasta {max} caracteres.")),
                          values=fields.Raw(allow_none=True),
                          allow_none=True, validate=validate.Length(max=500))

    @pre_load
    def drop_server_fields(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key not in SERVER_FIELDS}
        return data


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages → `{field: [text]}` (list items and nested objects folded in)."""
    if not isinstance(messages, dict):
        return {"_schema": [str(m) for m in _texts(messages)]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        texts: list[str] = []
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            for sub, sub_value in value.items():  # location: {"lat": [...]} → "lat: ..."
                texts.extend(f"{sub}: {t}" for t in _texts(sub_value))
        else:
            texts.extend(_texts(value))
        flat[prefix + str(key)] = list(dict.fromkeys(texts))
    return flat


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _texts(v)]
    return [str(value)]
