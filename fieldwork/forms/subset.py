"""What Fieldwork reads of an XLSForm (API.md, "Forms", contract v3), what it ignores, and why the rest is refused."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from pyxform import aliases

#: A written type (lowercased, spaces collapsed) → the definition's type.
SIMPLE_TYPES = {
    "text": "text", "string": "text", "integer": "integer", "int": "integer", "decimal": "decimal",
    "date": "date", "time": "time", "datetime": "dateTime", "date time": "dateTime", "date_time": "dateTime",
    "note": "note", "calculate": "calculate",
    "geopoint": "geopoint", "location": "geopoint", "gps": "geopoint", "geotrace": "geotrace", "geoshape": "geoshape",
    "image": "image", "photo": "image", "acknowledge": "acknowledge", "trigger": "acknowledge", "range": "range",
    "begin_group": "begin_group", "begin group": "begin_group", "end_group": "end_group", "end group": "end_group",
    "begin_repeat": "begin_repeat", "begin repeat": "begin_repeat", "end_repeat": "end_repeat",
    "end repeat": "end_repeat",
}
#: Metadata rows (no label, never drawn): the phone fills start, end, today and username; the others are ignored.
METADATA_TYPES = {"start": "start", "end": "end", "today": "today", "deviceid": "deviceid", "device id": "deviceid",
                  "username": "username", "audit": "audit"}
#: pyxform's JSON survey type → the definition's type (pyxform keeps some written aliases as they were).
PYXFORM_TYPES = {
    **{kind: kind for kind in ("text", "integer", "decimal", "date", "time", "dateTime", "note", "calculate",
                               "geopoint", "geotrace", "geoshape", "image", "acknowledge", "range", "rank",
                               "start", "end", "today", "deviceid", "username", "audit")},
    "string": "text", "int": "integer", "datetime": "dateTime", "date time": "dateTime", "photo": "image",
    "trigger": "acknowledge", "location": "geopoint", "gps": "geopoint", "device id": "deviceid",
    "select one": "select_one", "select_one": "select_one", "select all that apply": "select_multiple",
    "select_multiple": "select_multiple", "group": "group", "repeat": "repeat",
}
SELECT_TYPE = re.compile(r"^(select_one|select one|select one from|select_multiple|select all that apply|"
                         r"select all that apply from|select multiple from|rank)\s+(\S+)"
                         r"(\s+or_other|\s+or specify other)?$", re.IGNORECASE)
FILE_SELECT_TYPE = re.compile(r"^(select_one_from_file|select_multiple_from_file)\s+(\S+)$", re.IGNORECASE)
#: Why a type stays refused (API.md: encryption, audio, video, file, barcode, external apps, entities).
REFUSED_TYPES = {
    "audio": _l("las preguntas de audio no están admitidas"),
    "background-audio": _l("la grabación de audio de fondo no está admitida"),
    "video": _l("las preguntas de video no están admitidas"),
    "file": _l("las preguntas de archivo (file) no están admitidas; use una pregunta image para fotos"),
    "barcode": _l("las preguntas de código de barras (barcode) no están admitidas"),
    "osm": _l("las preguntas osm abren otra aplicación (OpenMapKit); las aplicaciones externas no están admitidas"),
    "include": _l("incluir otro formulario (include) no está admitido"),
    "start-geopoint": _l("el metadato start-geopoint no está admitido; use una pregunta geopoint"),
    "background-geopoint": _l("el metadato background-geopoint no está admitido; use una pregunta geopoint"),
    "xml-external": _l("los datos externos XML (xml-external) no están admitidos; suba un CSV y use pulldata()"),
    "csv-external": _l("csv-external no está admitido; suba el CSV con el formulario y use pulldata()"),
}
#: Refused for the external app an `ex:` prefix opens (ODK's "external app" widgets).
EXTERNAL_APP = _l("«%(type)s» abre otra aplicación (ex:); las aplicaciones externas no están admitidas")
#: The keys of a survey row as pyxform reads it (headers de-aliased: `relevance` is `bind.relevant`,
#: `label::en` is `label: {"en": ...}`) that Fieldwork reads.
SURVEY_KEYS = {"type", "name", "label", "hint", "default", "__row", "choice_filter", "parameters"}
BIND_KEYS = {"relevant", "constraint", "calculate", "required", "jr:constraintMsg", "jr:requiredMsg"}
#: `appearance` is read and ignored (the officer's form has one look); `jr:count` is a repeat's repeat_count.
CONTROL_KEYS = {"appearance", "jr:count"}
#: Columns that would change what a question does, which Fieldwork does not do: ignoring them would mislead.
REFUSED_COLUMNS = {
    "readonly": _l("las preguntas de solo lectura (read_only) no están admitidas; use calculate"),
    "trigger": _l("la columna trigger (recalcular cuando cambia otra pregunta) no está admitida"),
    "entities:saveto": _l("guardar en entidades (save_to) no está admitido"),
}
#: Columns pyxform reads that change only how a question looks or is helped: ignored, with this warning
#: (any other column pyxform does not know is ignored with a general one).
IGNORED_COLUMNS = {
    "media": _l("las imágenes, audios y videos de las etiquetas (media) no se muestran; el teléfono muestra el texto"),
    "guidance_hint": _l("guidance_hint no se muestra; use hint para lo que el funcionario debe leer"),
}
#: Settings Fieldwork reads; `style` and `submission_url` are accepted and have no effect (one look; visits
#: go to this server). pyxform's own names: `id_string` is form_id, `title` is form_title.
SETTINGS = {"form_title", "form_id", "version", "default_language", "instance_name", "style",
            "allow_choice_duplicates", "submission_url"}
SETTINGS_ALIASES = {"set_form_title": "form_title", "title": "form_title", "set_form_id": "form_id",
                    "id_string": "form_id"}
REFUSED_SETTINGS = {"public_key": _l("el cifrado de visitas (public_key) no está admitido; Fieldwork guarda las "
                                     "visitas en su propio servidor")}
REQUIRED_VALUES = {**aliases.yes_no, "1": True, "0": False}

#: API.md's limit for a label, and here for every text of a row (hints, messages, defaults, choice labels).
MAX_TEXT = 2000
#: Groups and repeats are walked recursively (here, on the visit pages and on the phone); real forms nest a few.
MAX_GROUP_DEPTH = 30
#: An answer's key is at most 200 characters (fieldwork.visits.schemas): a longer name could never be answered.
MAX_NAME = 200
#: Object.prototype's own properties: as a question name, the phone's `answers[name]` would read the
#: property instead of the answer, and the phone and the server would judge the visit differently.
OBJECT_PROPERTIES = frozenset({
    "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString",
    "valueOf", "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
})
