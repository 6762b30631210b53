"""Visit photos: `POST /api/v1/visits/<id>/photos` (the visit's officer) and `GET /api/v1/photos/<id>`."""
from __future__ import annotations

import os
from typing import IO, Any

from flask import abort, current_app, jsonify, request, send_file
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from werkzeug.datastructures import ImmutableMultiDict

from fieldwork.api import bp
from fieldwork.api.common import service_error_response
from fieldwork.api.visit_schemas import PhotoUploadSchema
from fieldwork.extensions import db
from fieldwork.models import ROLES, Photo, Visit
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.visits.access import can_see_visit, stored_id
from fieldwork.visits.photos import photo_path, store_photo
from fieldwork.visits.schemas import dump_photo
from fieldwork.web.security import roles_required
from fieldwork.web.throttle import photo_throttle


def _drop_nameless_form_parts() -> None:
    """Werkzeug keys a multipart part whose name it cannot parse as None, and Flask-WTF's CSRF check
    then calls None.endswith (a 500, found by schemathesis); such parts carry nothing we read."""
    if request.mimetype == "multipart/form-data" and None in request.form:
        request.form = ImmutableMultiDict(  # type: ignore[misc]
            [(key, value) for key, value in request.form.items(multi=True) if key is not None])


@bp.record_once
def _install_form_guard(state: BlueprintSetupState) -> None:
    # First of the app's before_request functions, so it runs before CSRFProtect's.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _drop_nameless_form_parts)


def _from_start(stream: IO[bytes]) -> IO[bytes]:
    """The upload rewound: commit_with_retry runs the store again after a lock conflict, on the same bytes."""
    stream.seek(0)
    return stream


@bp.post("/visits/<visit_id>/photos")
@roles_required("officer")
@photo_throttle
def upload_photo(visit_id: str) -> Any:
    """Add a photo to one of the caller's visits; the same `photo_id` again answers 200.
    ---
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [photo_id, file]
              properties:
                photo_id: {type: string, format: uuid}
                file: {type: string, format: binary, description: "JPEG, PNG o WebP de hasta 10 MB."}
      responses:
        201: {description: La foto guardada., content: {application/json: {schema: PhotoRefSchema}}}
        200: {description: Esa foto ya estaba guardada., content: {application/json: {schema: PhotoRefSchema}}}
        409: {description: El photo_id pertenece a otra visita., content: {application/json: {schema: Error}}}
        429:
          description: "Demasiadas fotos de este funcionario seguidas; reenvíe tras Retry-After segundos."
          headers: {Retry-After: {schema: {type: integer}, description: Segundos que debe esperar.}}
          content: {application/json: {schema: Error}}
        503: {description: "No se pudo escribir la foto; reintente.", content: {application/json: {schema: Error}}}
        507:
          description: "Sin espacio en el servidor; reintente más tarde."
          content: {application/json: {schema: Error}}
    """
    visit = db.session.get(Visit, stored_id(visit_id))
    if visit is None:
        abort(404)  # not synced yet: the phone keeps the photo and sends the visit first
    if visit.officer_id != current_user.id:
        abort(403)
    form = PhotoUploadSchema().load(request.form.to_dict())
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError({"file": [_("Adjunte la foto en el campo «file».")]})
    try:
        result = commit_with_retry(lambda: store_photo(visit, str(form["photo_id"]), _from_start(upload.stream),
                                                       current_user, via="api"), "photo upload")
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(dump_photo(result.photo)), 201 if result.created else 200


@bp.get("/photos/<photo_id>")
@roles_required(*ROLES)
def get_photo(photo_id: str) -> Any:
    """The image of a photo, to those who may see its visit (404 to everyone else).
    ---
    get:
      responses:
        200:
          description: "La imagen, tal como se guardó (sin metadatos)."
          content:
            image/jpeg: {schema: {type: string, format: binary}}
            image/png: {schema: {type: string, format: binary}}
            image/webp: {schema: {type: string, format: binary}}
    """
    photo = db.session.get(Photo, stored_id(photo_id))
    if photo is None or not can_see_visit(current_user, photo.visit):
        abort(404)
    path = photo_path(photo)
    if not os.path.isfile(path):
        current_app.logger.error("photo %s has a row but no file at %s", photo.id, path)
        abort(404)
    response = send_file(path, mimetype=photo.content_type, conditional=True, etag=photo.sha256,
                         max_age=0)
    # A photo never changes, but who may see it can: the browser keeps it, shared caches do not.
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
