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
    columns = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "Las demás columnas de la opción en su lista (hoja choices o CSV), solo en una pregunta con "
                       "choice_filter, que las lee."})


class QuestionAstSchema(Schema):
    relevant = fields.Raw(metadata={"description": "El AST JSON de la expresión (ver el contrato de formularios)."})
    constraint = fields.Raw()
    calculation = fields.Raw()
    repeat_count = fields.Raw()
    choice_filter = fields.Raw()


class RangeSchema(Schema):
    """Numbers as stored: whole ones stay integers (a range of integers answers integers)."""

    start = fields.Raw(metadata={"type": "number"})
    end = fields.Raw(metadata={"type": "number"})
    step = fields.Raw(metadata={"type": "number"})


#: Every type a version's questions can have (forms contract v3).
QUESTION_TYPES = ["text", "integer", "decimal", "date", "time", "dateTime", "select_one", "select_multiple", "rank",
                  "note", "calculate", "geopoint", "geotrace", "geoshape", "image", "acknowledge", "range", "start",
                  "end", "today", "username", "deviceid", "audit", "begin_group", "end_group", "repeat"]


class QuestionSchema(Schema):
    """A question, a group's begin_group / end_group marker, or a repeat with its own items as `children`, in the
    request's language."""

    name = fields.String()
    type = fields.String(metadata={"enum": QUESTION_TYPES})
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
    choice_filter = fields.String(metadata={"description": "La condición que filtra las opciones (cascada)."})
    file = fields.String(metadata={"description": "El CSV subido con el formulario del que salen las opciones."})
    parameters = fields.Nested(RangeSchema, metadata={"description": "Los límites y el paso de una pregunta range."})
    repeat_count = fields.String(metadata={"description": "Cuántas veces se repite (una expresión)."})
    children = fields.List(fields.Nested("QuestionSchema"), metadata={
        "description": "Las preguntas, grupos y repeticiones dentro de una repetición."})
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
    instance_name = fields.String(metadata={"description": "El título de cada visita (settings instance_name)."})
    instance_name_ast = fields.Raw()
    tables = fields.Dict(keys=fields.String(), values=fields.Raw(), metadata={
        "description": "Los CSV subidos con el formulario, por nombre sin extensión, que pulldata() lee: "
                       "{\"columns\": [...], \"rows\": [[...]]}."})
    warnings = fields.List(fields.String(), metadata={
        "description": "Lo que la subida ignoró (ajustes y columnas que Fieldwork no usa), en español."})
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
