"""`/api/v1/forms`: upload, publish and read the programme's XLSForm versions (one service for page, API, CLI)."""
from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from fieldwork.api import bp
from fieldwork.api.common import load_args, service_error_response
from fieldwork.api.form_schemas import dump_version
from fieldwork.api.schemas import PageArgsSchema
from fieldwork.forms import services
from fieldwork.forms.downloads import original_file_response
from fieldwork.models import ROLES, FormVersion
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.security import roles_required


def _locale() -> str:
    return str(get_locale() or "es")


def _dump(version: FormVersion, current: FormVersion | None) -> dict[str, Any]:
    return dump_version(version, _locale(), current, url_for("api.download_form", version_id=version.id))


@bp.post("/forms")
@roles_required(*services.MANAGERS)
def upload_form() -> Any:
    """Upload an XLSForm as a new, unpublished version.
    ---
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary, description: "Un XLSForm .xlsx, .xlsm o .xls."}
                media:
                  type: array
                  items: {type: string, format: binary}
                  description: >-
                    Los archivos CSV que el formulario lee (select_one_from_file, select_multiple_from_file,
                    pulldata()): hasta 20, de 1 MB cada uno y 10.000 filas entre todos; UTF-8 o Windows-1252.
      responses:
        201: {description: La versión guardada., content: {application/json: {schema: FormVersionSchema}}}
    """
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError({"file": [_("Adjunte el XLSForm (.xlsx, .xlsm o .xls) en el campo «file».")]})
    try:
        content = upload.read()  # read once: a retry runs the upload again on the same bytes
        media = services.read_parts(request.files.getlist("media"))
        version = commit_with_retry(lambda: services.upload_form(current_user, content, upload.filename, via="api",
                                                                 media=media), "form upload")
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(_dump(version, services.current_version())), 201


@bp.post("/forms/<int:version_id>/publish")
@roles_required(*services.MANAGERS)
def publish_form(version_id: int) -> Any:
    """Make a version the current one; visits on earlier versions stay valid.
    ---
    post:
      responses:
        200:
          description: La versión publicada, ahora la actual.
          content: {application/json: {schema: FormVersionSchema}}
    """
    version = services.version_or_404(version_id, current_user)
    try:
        commit_with_retry(lambda: services.publish_form(current_user, version, via="api"), "form publication")
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(_dump(version, version))


@bp.delete("/forms/<int:version_id>")
@roles_required(*services.MANAGERS)
def delete_form(version_id: int) -> Any:
    """Delete a version that was never published (no phone or visit can be using it).
    ---
    delete:
      responses:
        204: {description: La versión se borró.}
        409:
          description: La versión es la actual, se publicó o la usan visitas; `errors.version` dice por qué.
          content: {application/json: {schema: Error}}
    """
    version = services.version_or_404(version_id, current_user)
    try:
        commit_with_retry(lambda: services.delete_form(current_user, version, via="api"), "form deletion")
    except ServiceError as error:
        return service_error_response(error)
    return "", 204


@bp.get("/forms")
@roles_required(*services.MANAGERS)
def list_forms() -> Any:
    """Every version, newest upload first.
    ---
    get:
      parameters: [{in: query, schema: PageArgsSchema}]
      responses:
        200: {description: Una página de versiones., content: {application/json: {schema: FormVersionListSchema}}}
    """
    args = load_args(PageArgsSchema())
    versions, total = services.list_versions(args["page"], args["per_page"])
    current = services.current_version()
    return jsonify({"items": [_dump(v, current) for v in versions], "total": total})


@bp.get("/forms/current")
@roles_required(*ROLES)
def current_form() -> Any:
    """The version phones fill now, or 404 when none is published.
    ---
    get:
      responses:
        200: {description: La versión actual., content: {application/json: {schema: FormVersionSchema}}}
        404: {description: Todavía no se ha publicado ninguna versión., content: {application/json: {schema: Error}}}
    """
    version = services.current_version()
    if version is None:
        abort(404)
    return jsonify(_dump(version, version))


@bp.get("/forms/<int:version_id>")
@roles_required(*ROLES)
def get_form(version_id: int) -> Any:
    """One version (officers and owners see published ones only).
    ---
    get:
      responses:
        200: {description: La versión., content: {application/json: {schema: FormVersionSchema}}}
    """
    return jsonify(_dump(services.version_or_404(version_id, current_user), services.current_version()))


@bp.get("/forms/<int:version_id>/file")
@roles_required(*services.MANAGERS)
def download_form(version_id: int) -> Any:
    """The original XLSForm, byte for byte as it was uploaded.
    ---
    get:
      responses:
        200:
          description: El archivo original.
          content:
            application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: {schema: {type: string, format: binary}}
            application/vnd.ms-excel: {schema: {type: string, format: binary}}
    """
    return original_file_response(services.version_or_404(version_id, current_user))
