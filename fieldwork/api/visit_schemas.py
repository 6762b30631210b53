"""The visit's envelopes on the API: a sync batch and its results, list filters, a photo upload (the
visit itself is fieldwork/visits/schemas.py, which sync reads too)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from fieldwork.api.schemas import PageArgsSchema
from fieldwork.config import DEFAULTS
from fieldwork.models import CONFIRMATION_STATES, MAX_ID, REVIEW_STATES
from fieldwork.visits.schemas import MAX_REVISION, Count, VisitInputSchema, VisitSchema, bounded_moment


def read_revision_field() -> Count:
    """`revision` of a review or a confirmation: the revision the person read (checked by the service)."""
    return Count(allow_none=True, validate=validate.Range(min=1, max=MAX_REVISION),
                 metadata={"description": "La revisión que la persona leyó; si ya no es la actual: 409."})


class SyncRequestSchema(Schema):
    """`{"visits": [...]}` (the document's shape; the view checks the envelope and `sync_batch` each
    visit on its own, so that one bad visit never stops the rest)."""

    class Meta:
        unknown = EXCLUDE  # room for a client version or device id later

    # The documented default; the view checks the configured SYNC_MAX_BATCH.
    visits = fields.List(fields.Nested(VisitInputSchema), required=True,
                         validate=validate.Length(max=DEFAULTS["SYNC_MAX_BATCH"]))


class SyncResultSchema(Schema):
    id = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(("created", "duplicate", "updated", "rejected")))
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())


class SyncResponseSchema(Schema):
    results = fields.List(fields.Nested(SyncResultSchema))


class VisitArgsSchema(PageArgsSchema):
    """Filters of `GET /api/v1/visits`."""

    mipyme_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    officer_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    review_status = fields.String(validate=validate.OneOf(REVIEW_STATES))
    owner_confirmation = fields.String(validate=validate.OneOf(CONFIRMATION_STATES))
    since = fields.AwareDateTime(validate=bounded_moment)


class VisitListSchema(Schema):
    items = fields.List(fields.Nested(VisitSchema))
    total = fields.Integer()


class PhotoUploadSchema(Schema):
    """The multipart form fields of a photo upload (the file itself is checked by Pillow)."""

    class Meta:
        unknown = EXCLUDE

    photo_id = fields.UUID(required=True)
