"""The XLSForm subset Fieldwork supports (API.md, "Forms"), and why the rest is refused."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from pyxform import aliases

SIMPLE_TYPES = {
    "text": "text", "string": "text", "integer": "integer", "int": "integer", "decimal": "decimal",
    "date": "date", "note": "note", "calculate": "calculate",
    "begin_group": "begin_group", "begin group": "begin_group", "end_group": "end_group", "end group": "end_group",
}
SELECT_TYPE = re.compile(r"^(select_one|select one|select one from|select_multiple|select all that apply|"
                         r"select all that apply from|select multiple from)\s+(\S+)(\s+or_other|\s+or specify other)?$")
#: Why a type is refused, for the types a real form is likely to carry (others get the general reason).
REFUSED_TYPES = {
    "begin_repeat": _l("las repeticiones (begin_repeat) no están admitidas"),
    "begin repeat": _l("las repeticiones (begin_repeat) no están admitidas"),
    "end_repeat": _l("las repeticiones (end_repeat) no están admitidas"),
    "end repeat": _l("las repeticiones (end_repeat) no están admitidas"),
    "geopoint": _l("las preguntas de ubicación (geopoint) no están admitidas; la visita ya guarda su ubicación"),
    "geotrace": _l("las preguntas de ubicación (geotrace) no están admitidas"),
    "geoshape": _l("las preguntas de ubicación (geoshape) no están admitidas"),
    "image": _l("las preguntas de imagen no están admitidas; use las fotos de la visita"),
    "photo": _l("las preguntas de imagen no están admitidas; use las fotos de la visita"),
    "barcode": _l("las preguntas de código de barras (barcode) no están admitidas"),
    "time": _l("las preguntas de hora (time) no están admitidas; use date"),
    "datetime": _l("las preguntas de fecha y hora (dateTime) no están admitidas; use date"),
    "date time": _l("las preguntas de fecha y hora (dateTime) no están admitidas; use date"),
    "include": _l("incluir otro formulario (include) no está admitido"),
    "start": _l("Fieldwork registra por sí mismo cuándo se hizo la visita; borre esta fila"),
    "end": _l("Fieldwork registra por sí mismo cuándo se hizo la visita; borre esta fila"),
    "today": _l("Fieldwork registra por sí mismo cuándo se hizo la visita; borre esta fila"),
    "deviceid": _l("Fieldwork registra por sí mismo quién hizo la visita; borre esta fila"),
    "username": _l("Fieldwork registra por sí mismo quién hizo la visita; borre esta fila"),
}
#: The keys of a survey row as pyxform reads it (headers de-aliased: `relevance` is `bind.relevant`,
#: `label::en` is `label: {"en": ...}`) that the subset accepts.
SURVEY_KEYS = {"type", "name", "label", "hint", "default", "__row"}
BIND_KEYS = {"relevant", "constraint", "calculate", "required", "jr:constraintMsg", "jr:requiredMsg"}
CONTROL_KEYS = {"appearance"}  # read, and ignored: the officer's form has one look
REFUSED_COLUMNS = {
    "choice_filter": _l("filtrar opciones (choice_filter) no está admitido"),
    "jr:count": _l("las repeticiones (repeat_count) no están admitidas"),
    "readonly": _l("las preguntas de solo lectura (read_only) no están admitidas; use calculate"),
    "trigger": _l("los disparadores (trigger) no están admitidos"),
    "parameters": _l("los parámetros de pregunta (parameters) no están admitidos"),
    "media": _l("las imágenes, audios y videos en las preguntas (media) no están admitidos"),
    "guidance_hint": _l("guidance_hint no está admitido; use hint"),
}
SETTINGS = {"form_title", "form_id", "version", "default_language"}
SETTINGS_ALIASES = {"set_form_title": "form_title", "set_form_id": "form_id"}
REQUIRED_VALUES = {**aliases.yes_no, "1": True, "0": False}

#: API.md's limit for a label, and here for every text of a row (hints, messages, defaults, choice labels).
MAX_TEXT = 2000
#: Groups are walked recursively (here, on the visit pages and on the phone); real forms nest a few.
MAX_GROUP_DEPTH = 30
#: An answer's key is at most 200 characters (fieldwork.visits.schemas): a longer name could never be answered.
MAX_NAME = 200
#: Object.prototype's own properties: as a question name, the phone's `answers[name]` would read the
#: property instead of the answer, and the phone and the server would judge the visit differently.
OBJECT_PROPERTIES = frozenset({
    "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString",
    "valueOf", "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
})
