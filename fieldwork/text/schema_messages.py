"""marshmallow's built-in messages, in Spanish.

API.md promises per-field messages people can read, and officers read Spanish; marshmallow keeps its
defaults as class attributes, so they are set once here rather than repeated on every field.
"""
from marshmallow import Schema, fields, validate

_FIELD_MESSAGES = {
    fields.Field: {
        "required": "Falta este dato obligatorio.",
        "null": "Este dato no puede ser nulo.",
        "validator_failed": "Valor no válido.",
    },
    fields.String: {"invalid": "Debe ser un texto.", "invalid_utf8": "Texto UTF-8 no válido."},
    fields.Number: {"invalid": "Debe ser un número.", "too_large": "El número es demasiado grande."},
    fields.Integer: {"invalid": "Debe ser un número entero."},
    fields.Float: {"special": "No se permiten valores especiales (NaN o infinito)."},
    fields.Boolean: {"invalid": "Debe ser verdadero o falso."},
    fields.DateTime: {
        "invalid": "Fecha y hora no válidas (use ISO 8601, p. ej. 2026-03-05T10:30:00-05:00).",
        "invalid_awareness": "La fecha y hora deben incluir la zona horaria (p. ej. -05:00).",
        "format": "No se puede expresar como fecha y hora.",
    },
    fields.Date: {"invalid": "Fecha no válida (use AAAA-MM-DD).", "format": "No se puede expresar como fecha."},
    fields.List: {"invalid": "Debe ser una lista."},
    fields.Nested: {"type": "Tipo de dato no válido."},
    fields.Dict: {"invalid": "Debe ser un objeto."},
    fields.UUID: {"invalid_uuid": "Identificador UUID no válido."},
}


def install() -> None:
    for cls, messages in _FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    # DateTime and friends keep their own copies.
    fields.AwareDateTime.default_error_messages = {
        **fields.AwareDateTime.default_error_messages, **_FIELD_MESSAGES[fields.DateTime]
    }
    Schema._default_error_messages = {"type": "Tipo de dato no válido.", "unknown": "Campo desconocido."}
    validate.Range.message_min = "Debe ser {min_op} {{min}}."
    validate.Range.message_max = "Debe ser {max_op} {{max}}."
    validate.Range.message_all = "Debe ser {min_op} {{min}} y {max_op} {{max}}."
    validate.Range.message_gte = "mayor o igual que"
    validate.Range.message_gt = "mayor que"
    validate.Range.message_lte = "menor o igual que"
    validate.Range.message_lt = "menor que"
    validate.Length.message_min = "Debe tener al menos {min} caracteres."
    validate.Length.message_max = "Debe tener como máximo {max} caracteres."
    validate.Length.message_all = "Debe tener entre {min} y {max} caracteres."
    validate.Length.message_equal = "Debe tener exactamente {equal} caracteres."
    validate.OneOf.default_message = "Debe ser uno de: {choices}."
    validate.ContainsOnly.default_message = "Solo se admiten: {choices}."


install()
