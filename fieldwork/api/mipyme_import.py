"""`POST /api/v1/mipymes/import`: Mipymes from a spreadsheet (the registry page calls the same service)."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, ValidationError, fields

from fieldwork.api import bp
from fieldwork.api.common import service_error_response
from fieldwork.api.schemas import LenientSchema
from fieldwork.registry.import_files import read_upload
from fieldwork.registry.imports import ImportResult, import_mipymes
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.security import roles_required


class ImportArgsSchema(LenientSchema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "1: solo muestra lo que haría."})


class ImportRowSchema(Schema):
    row = fields.Integer(metadata={"description": "La fila como la muestra la hoja (el encabezado es la 1)."})
    action = fields.String(metadata={"description": "created, updated o unchanged."})
    nit = fields.String()
    name = fields.String()
    changes = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata={
        "description": "Por columna: {\"from\", \"to\"} (from es null en una Mipyme nueva)."})


class ImportResultSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": "Por número de fila, sus errores; con alguno no se guarda nada."})
    rows = fields.List(fields.Nested(ImportRowSchema))
    warnings = fields.List(fields.String(), metadata={"description": "Columnas que no se leyeron."})
    stored = fields.Boolean(metadata={"description": "Si se guardó: falso en un ensayo o con errores."})


def result_body(result: ImportResult) -> dict[str, Any]:
    return ImportResultSchema().dump({
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "errors": {str(row): messages for row, messages in result.errors.items()},
        "rows": [{"row": r.row, "action": r.action, "nit": r.nit, "name": r.name,
                  "changes": {key: {"from": old, "to": new} for key, (old, new) in r.changes.items()}}
                 for r in result.rows],
        "warnings": result.warnings, "stored": result.stored,
    })


@bp.post("/mipymes/import")
@roles_required("supervisor", "admin")
def import_mipymes_file() -> Any:
    """Create or update Mipymes by NIT from a CSV or XLSX; nothing is stored while any row is wrong.
    ---
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary, description: "CSV (UTF-8 o Latin-1, `,` o `;`) o XLSX."}
                dry_run: {type: string, enum: ["0", "1"], description: "1: solo muestra lo que haría."}
      responses:
        200: {description: "Lo que se hizo (o se haría), y los errores por fila.",
              content: {application/json: {schema: ImportResultSchema}}}
    """
    args = ImportArgsSchema().load(request.form.to_dict())
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError({"file": [_("Adjunte la hoja de cálculo (CSV o .xlsx) en el campo «file».")]})
    content = read_upload(upload)
    try:
        result = commit_with_retry(lambda: import_mipymes(content, upload.filename, current_user,
                                                          dry_run=args["dry_run"], via="api"), "Mipyme import")
    except ServiceError as error:
        return service_error_response(error)
    return jsonify(result_body(result))
