"""The form version's shapes on the API (API.md, "Forms"); `ast` is our extension for the phone."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from fieldwork.forms import services
from fieldwork.forms.changes import changes
from fieldwork.models import FormVersion
from fieldwork.results.catalogue import BUILTIN_FEEDS, CODES
from fieldwork.text import schema_messages  # noqa: F401  (Spanish messages before any schema is built)


class ChoiceSchema(Schema):
    name = fields.String()
    label = fields.String()


class QuestionAstSchema(Schema):
    relevant = fields.Raw(metadata={"description": "El AST JSON de la expresión (ver el contrato de formularios)."})
    constraint = fields.Raw()
    calculation = fields.Raw()


class QuestionSchema(Schema):
    """A question, or a group's begin_group / end_group marker, in the request's language."""

    name = fields.String()
    type = fields.String(metadata={"enum": ["text", "integer", "decimal", "date", "select_one", "select_multiple",
                                            "note", "calculate", "begin_group", "end_group"]})
    label = fields.String()
    hint = fields.String()
    required = fields.Boolean()
    relevant = fields.String()
    constraint = fields.String()
    constraint_message = fields.String()
    required_message = fields.String()
    calculation = fields.String()
    default = fields.String()
    choices = fields.List(fields.Nested(ChoiceSchema))
    indicator = fields.String(metadata={
        "enum": list(CODES),
        "description": "El indicador del programa que alimenta (columna indicator del XLSForm; ver Resultados)."})
    ast = fields.Nested(QuestionAstSchema)


class UploaderSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class ChangesSchema(Schema):
    added = fields.List(fields.String(), metadata={"description": "Preguntas que la versión actual no tiene."})
    removed = fields.List(fields.String(), metadata={"description": "Preguntas de la versión actual que esta no hace."})
    changed = fields.List(fields.String(), metadata={
        "description": "Preguntas con otro tipo, otras opciones (por nombre), otra relevancia, restricción, cálculo, "
                       "obligatoriedad o indicador."})


class FormVersionSchema(Schema):
    id = fields.Integer()
    form_id = fields.String()
    version = fields.String()
    title = fields.String()
    published = fields.Boolean()
    current = fields.Boolean(metadata={"description": "La versión que llenan ahora los teléfonos."})
    questions = fields.List(fields.Nested(QuestionSchema))
    replaced_figures = fields.List(fields.String(metadata={"enum": list(BUILTIN_FEEDS)}), metadata={
        "description": "Las cifras fijas de la visita que esta versión pregunta ella misma (una pregunta alimenta "
                       "su indicador): la página de la visita no las pide."})
    changes = fields.Nested(ChangesSchema, allow_none=True, metadata={
        "description": "Lo que cambia frente a la versión actual (todas las preguntas nuevas si no hay ninguna "
                       "publicada); null en la versión actual."})
    filename = fields.String()
    file_url = fields.String(metadata={"description": "El archivo original, tal como se subió."})
    uploaded_by = fields.Nested(UploaderSchema)
    uploaded_at = fields.AwareDateTime()
    published_at = fields.AwareDateTime(allow_none=True)


class FormVersionListSchema(Schema):
    items = fields.List(fields.Nested(FormVersionSchema))
    total = fields.Integer()


def dump_version(version: FormVersion, locale: str, current: FormVersion | None, file_url: str) -> dict[str, Any]:
    body = services.definition(version, locale, current_id=current.id if current else None)
    body["changes"] = None if body["current"] else changes(current.definition if current else None,
                                                           version.definition)
    body.update(filename=version.filename, file_url=file_url, uploaded_at=version.uploaded_at,
                published_at=version.published_at,
                uploaded_by={"id": version.uploaded_by.id, "name": version.uploaded_by.name})
    return FormVersionSchema().dump(body)
