"""Reads an XLSForm workbook with pyxform and refuses, row by row and in Spanish, what Fieldwork does not support.

Three passes. The raw rows (pyxform's workbook reader, without ODK Validate, which needs Java) are checked
first, because only they know their row numbers: types, columns, names, `required`. Then pyxform's
workbook_to_json checks the spreadsheet's own rules (group nesting, choice lists, settings) and resolves
`label::<language>` columns. Last, fieldwork.forms.definition turns its JSON survey into our definition,
parsing every expression with our grammar.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath
from typing import Any

from flask_babel import gettext as _
from pyxform import aliases
from pyxform.errors import PyXFormError
from pyxform.parsing.sheet_headers import dealias_and_group_headers, to_snake_case
from pyxform.question import MultipleChoiceQuestion
from pyxform.xls2json import dealias_types, workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from fieldwork.forms.expressions import ExpressionError, parse, references
from fieldwork.forms.refusals import FormRefused, Refusals
from fieldwork.forms.subset import (
    BIND_KEYS,
    CONTROL_KEYS,
    MAX_NAME,
    MAX_TEXT,
    OBJECT_PROPERTIES,
    REFUSED_COLUMNS,
    REFUSED_TYPES,
    REQUIRED_VALUES,
    SELECT_TYPE,
    SETTINGS,
    SETTINGS_ALIASES,
    SIMPLE_TYPES,
    SURVEY_KEYS,
)
from fieldwork.forms.workbook_limits import check_workbook

EXTENSIONS = (".xlsx", ".xls")

_NAME = re.compile(r"^[^\W\d][\w.-]*$")


#: Definition key → where pyxform puts that column of a survey row.
EXPRESSION_COLUMNS = {"relevant": "relevant", "constraint": "constraint", "calculation": "calculate"}
_TEXT_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_COLUMN_NAMES = {"jr:constraintMsg": "constraint_message", "jr:requiredMsg": "required_message"}


@dataclass
class SurveyRows:
    """What the raw pass learnt: each name's row, the settings and the parsed expressions."""

    rows: dict[str, int]
    settings: dict[str, str]
    #: (question name, column) → (the expression as written, its AST)
    expressions: dict[tuple[str, str], tuple[str, list]]


def read_xlsform(content: bytes, filename: str) -> tuple[dict[str, Any], SurveyRows]:
    """pyxform's JSON survey of the workbook, or FormRefused with every reason found."""
    refusals = Refusals()
    extension = PurePath(filename or "").suffix.lower()
    if extension not in EXTENSIONS:
        refusals.fail(_("El archivo debe ser un XLSForm .xlsx o .xls."))
    refusals.raise_if_any()
    check_workbook(content, extension)  # before openpyxl or xlrd: what reading it would cost is bounded
    try:
        workbook = get_xlsform(BytesIO(content), file_type=extension)
    except Exception:  # noqa: BLE001 - openpyxl and xlrd raise many types for a file that is not a workbook
        raise FormRefused([_("El archivo no se puede leer como hoja de cálculo .xlsx o .xls.")]) from None
    if not workbook.survey:
        raise FormRefused([_("El libro no tiene una hoja «survey» con preguntas.")])
    settings = _check_settings(workbook.settings or [], refusals)
    try:
        survey_rows = _survey_rows(workbook, settings.get("default_language"))
    except PyXFormError as error:
        raise FormRefused([_pyxform_message(str(error))]) from None
    rows, kinds = _check_survey(survey_rows, refusals)
    expressions = _check_expressions(survey_rows, kinds, refusals)
    _check_choices(workbook.choices or [], refusals)
    refusals.raise_if_any()
    try:
        survey = workbook_to_json(workbook, fallback_form_name=PurePath(filename).stem)
    except PyXFormError as error:
        raise FormRefused([_pyxform_message(str(error))]) from None
    return survey, SurveyRows(rows, settings, expressions)


def _survey_rows(workbook: DefinitionData, default_language: str | None) -> list[dict[str, Any]]:
    """The survey rows as pyxform reads them (headers de-aliased, `label::x` grouped, `__row` numbered)."""
    sheet = dealias_and_group_headers(
        sheet_name="survey", sheet_data=workbook.survey, sheet_header=workbook.survey_header,
        header_aliases=aliases.survey_header, header_columns=set(MultipleChoiceQuestion.get_slot_names()),
        headers_required={"type"}, default_language=default_language or "default", add_row_number=True)
    return dealias_types(dict_array=list(sheet.data))


def _check_survey(survey_rows: list[dict[str, Any]], refusals: Refusals) -> tuple[dict[str, int], dict[str, str]]:
    rows: dict[str, int] = {}
    kinds: dict[str, str] = {}
    for raw in survey_rows:
        if len(raw) == 1:
            continue  # an empty row: only its number
        row = raw["__row"]
        where = refusals.at("survey", row)
        _check_columns(raw, where)
        _check_texts(raw, "survey", row, refusals)
        kind = _question_type(str(raw.get("type", "")), where)
        if kind in (None, "end_group"):
            continue
        name = str(raw.get("name", "")).strip()
        if not name:
            where.fail(_("falta el nombre (columna name)."))
        elif len(name) > MAX_NAME:
            where.fail(_("el nombre tiene %(length)d caracteres; el máximo es 200.", length=len(name)))
        elif not _NAME.match(name):
            where.fail(_("el nombre «%(name)s» no sirve: empiece por una letra y use letras, números, _ . o -.",
                         name=name))
        elif name in OBJECT_PROPERTIES:
            where.fail(_("el nombre «%(name)s» está reservado: el teléfono lo confundiría con una propiedad "
                         "propia de JavaScript. Use otro, por ejemplo «%(name)s_1».", name=name))
        elif name in rows:
            where.fail(_("el nombre «%(name)s» ya se usa en la fila %(other)d; cada pregunta y grupo necesita "
                         "un nombre propio en todo el formulario.", name=name, other=rows[name]))
        else:
            rows[name], kinds[name] = row, kind
        required = str(raw.get("bind", {}).get("required", "")).strip()
        if required and required not in REQUIRED_VALUES:
            where.fail(_("required debe ser yes o no; las condiciones en required no están admitidas "
                         "(use relevant)."))
    return rows, kinds


def _check_columns(raw: dict[str, Any], where) -> None:
    for column, value in raw.items():
        if column in SURVEY_KEYS or column.startswith("$"):  # $kuid, $autoname…: KoboToolbox's bookkeeping
            continue
        grouped = column in ("bind", "control") and isinstance(value, dict)
        allowed = BIND_KEYS if column == "bind" else CONTROL_KEYS
        for key in (value if grouped else [column]):
            if grouped and key in allowed:
                continue
            reason = REFUSED_COLUMNS.get(key)
            where.fail(_("%(reason)s.", reason=reason) if reason
                       else _("la columna «%(column)s» no está admitida.", column=key))


def _check_texts(raw: dict[str, Any], sheet: str, row: int, refusals: Refusals) -> None:
    """Every text of a row within MAX_TEXT; expressions have their own limit (fieldwork.forms.expressions)."""
    for column, text in _texts(raw):
        if len(text) > MAX_TEXT:
            refusals.at(sheet, row, column).fail(_("el texto tiene %(length)s caracteres; el máximo es 2.000.",
                                                   length=f"{len(text):,}".replace(",", ".")))


def _texts(raw: dict[str, Any]):
    for key, value in raw.items():
        if key in ("bind", "control") and isinstance(value, dict):
            for inner, text in value.items():
                if inner not in EXPRESSION_COLUMNS.values():
                    yield from _by_language(_COLUMN_NAMES.get(inner, inner), text)
        elif key != "__row":
            yield from _by_language(key, value)


def _by_language(column: str, value: Any):
    if not isinstance(value, dict):
        yield column, str(value)
        return
    for language, text in value.items():
        yield (column if language == "default" else f"{column}::{language}"), str(text)


def _check_expressions(survey_rows: list[dict[str, Any]], kinds: dict[str, str], refusals: Refusals
                       ) -> dict[tuple[str, str], tuple[str, list]]:
    """Parse every expression with our grammar and check that each ${name} is a question of the form."""
    parsed: dict[tuple[str, str], tuple[str, list]] = {}
    for raw in survey_rows:
        name = str(raw.get("name", "")).strip()
        bind = raw.get("bind", {})
        for key, column in EXPRESSION_COLUMNS.items():
            if column not in bind:
                continue
            where = refusals.at("survey", raw["__row"], key)
            try:
                ast = parse(str(bind[column]))
            except ExpressionError as error:
                where.fail(str(error))
                continue
            parsed[(name, key)] = (str(bind[column]), ast)
            _check_references(references(ast), kinds, where)
        for column in ("label", "hint"):
            texts = raw.get(column, "")
            text = " ".join(map(str, texts.values())) if isinstance(texts, dict) else str(texts)
            _check_references(set(_TEXT_REFERENCE.findall(text)), kinds, refusals.at("survey", raw["__row"], column))
    return parsed


def _check_references(names: set[str], kinds: dict[str, str], where) -> None:
    for target in sorted(names):
        if target not in kinds:
            where.fail(_("${%(name)s} no es ninguna pregunta del formulario.", name=target))
        elif kinds[target] == "begin_group":
            where.fail(_("${%(name)s} es un grupo, no una pregunta.", name=target))


def _question_type(raw_type: str, where) -> str | None:
    """The subset's type for a row, or None after recording why it is refused."""
    text = re.sub(r"\s+", " ", raw_type.strip())
    lowered = text.lower()
    if not text:
        where.fail(_("falta el tipo de pregunta (columna type)."))
        return None
    if lowered in SIMPLE_TYPES:
        return SIMPLE_TYPES[lowered]
    select = SELECT_TYPE.match(text)
    if select and select.group(3):
        where.fail(_("«or_other» no está admitido; añada una opción «otro» y una pregunta de texto relevante."))
        return None
    if select:
        return "select_one" if "one" in select.group(1) else "select_multiple"
    reason = REFUSED_TYPES.get(lowered) or (
        _("las listas de opciones desde un archivo no están admitidas") if "from_file" in lowered
        or "external" in lowered else _("el tipo «%(type)s» no está admitido", type=text))
    where.fail(_("%(reason)s.", reason=reason))
    return None


def _check_choices(raw_rows: list[dict[str, str]], refusals: Refusals) -> None:
    """Choice rows need a list and a name without spaces (select_multiple answers are space-separated)."""
    rows: dict[tuple[str, str], int] = {}
    for index, original in enumerate(raw_rows):
        raw = {to_snake_case(key): value for key, value in original.items()}
        if not raw:
            continue
        where = refusals.at("choices", index + 2)
        _check_texts(raw, "choices", index + 2, refusals)
        list_name, name = str(raw.get("list_name", "")).strip(), str(raw.get("name", "")).strip()
        if not list_name or not name:
            where.fail(_("cada opción necesita list_name y name."))
        elif " " in name:
            where.fail(_("el nombre de opción «%(name)s» tiene espacios; las respuestas de selección múltiple "
                         "se separan con espacios.", name=name))
        elif (list_name, name) in rows:
            where.fail(_("la opción «%(name)s» ya está en la lista «%(list)s» (fila %(other)d).",
                         name=name, list=list_name, other=rows[(list_name, name)]))
        else:
            rows[(list_name, name)] = index + 2


def _check_settings(raw_rows: list[dict[str, str]], refusals: Refusals) -> dict[str, str]:
    settings: dict[str, str] = {}
    where = refusals.at("settings", 2)
    for column, value in (raw_rows[0] if raw_rows else {}).items():
        key = to_snake_case(column)
        key = SETTINGS_ALIASES.get(key, key)
        if key not in SETTINGS:
            where.fail(_("el ajuste «%(column)s» no está admitido (solo form_title, form_id, version y "
                         "default_language).", column=column))
        settings[key] = str(value).strip()
    return settings


_PYXFORM_ROW = re.compile(r"\[row\s*:\s*(\d+)\]\s*")
_PYXFORM_SHEET = re.compile(r"'(survey|choices|settings)' sheet")


def _pyxform_message(text: str) -> str:
    """pyxform's own refusal, framed in Spanish with its sheet and row."""
    row = _PYXFORM_ROW.search(text)
    sheet = _PYXFORM_SHEET.search(text)
    detail = _PYXFORM_ROW.sub("", text).strip()
    if row:
        return _("Hoja %(sheet)s, fila %(row)s: el XLSForm no es válido (pyxform: %(detail)s)",
                 sheet=sheet.group(1) if sheet else "survey", row=row.group(1), detail=detail)
    return _("El XLSForm no es válido (pyxform: %(detail)s)", detail=detail)
