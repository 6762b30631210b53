"""The visit's shapes on the API: what the phone sends, and what the server answers."""
from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import Schema, fields, validate

from fieldwork.api import spanish  # noqa: F401  (Spanish messages before any schema is built)
from fieldwork.models import CONFIRMATION_STATES, REVIEW_STATES, TOPICS, Visit


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
    photos = fields.List(fields.Nested(PhotoRefSchema))


def dump_visit(visit: Visit) -> dict[str, Any]:
    """The API body of one visit (photos included; load them with selectinload for lists)."""
    location = None
    if visit.latitude is not None and visit.longitude is not None:
        location = {"lat": visit.latitude, "lon": visit.longitude, "accuracy_m": visit.accuracy_m}
    data = {name: getattr(visit, name) for name in VisitSchema._declared_fields if hasattr(visit, name)}
    data["location"] = location
    data["photos"] = [
        {"id": p.id, "url": url_for("api.get_photo", photo_id=p.id) if _has_photo_route() else None,
         "content_type": p.content_type, "width": p.width, "height": p.height}
        for p in visit.photos
    ]
    return VisitSchema().dump(data)


def _has_photo_route() -> bool:
    from flask import current_app

    return "api.get_photo" in current_app.view_functions
