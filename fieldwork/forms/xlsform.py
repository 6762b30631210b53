"""Reads an XLSForm workbook with pyxform and refuses, row by row and in Spanish, what Fieldwork does not support.

Three passes. The raw rows (pyxform's workbook reader, without ODK Validate, which needs Java) are checked
first, because only they know their row numbers: types, columns, names, `required`. Then pyxform's
workbook_to_json checks the spreadsheet's own rules (group nesting, choice lists, settings) and resolves
`label::<language>` columns. Last, fieldwork.forms.definition turns its JSON survey into our definition,
parsing every expression with our grammar.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePath
from typing import Any

from flask_babel import gettext as _
from pyxform import aliases
from pyxform.errors import PyXFormError
from pyxform.parsing.sheet_headers import dealias_and_group_headers
from pyxform.question import MultipleChoiceQuestion
from pyxform.xls2json import dealias_types, workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from fieldwork.forms import row_checks
from fieldwork.forms.media import read_media
from fieldwork.forms.refusals import FormRefused, Refusals, Warnings
from fieldwork.forms.subset import FILE_SELECT_TYPE, MAX_GROUP_DEPTH, MAX_NAME, OBJECT_PROPERTIES, REQUIRED_VALUES
from fieldwork.forms.survey_expressions import FormNames, Parsed, check_expressions
from fieldwork.forms.workbook_limits import check_workbook

#: `.xlsm` is an .xlsx that may carry macros: read as one, the macros never run.
EXTENSIONS = {".xlsx": ".xlsx", ".xls": ".xls", ".xlsm": ".xlsx"}

_NAME = re.compile(r"^[^\W\d][\w.-]*$")
#: Types whose `parameters` Fieldwork reads; on any other type they only tune a widget, and are ignored.
_PARAMETER_TYPES = re.compile(r"^(range|select_one_from_file|select_multiple_from_file)\b", re.IGNORECASE)


@dataclass
class SurveyRows:
    """What the raw pass learnt: each name's row, the settings, the parsed expressions, the uploaded CSV
    files' tables by file name, and what was ignored (warnings)."""

    rows: dict[str, int]
    settings: dict[str, str]
    #: (question name, key) → (the expression as written, its AST); instance_name under ("", "instance_name")
    expressions: Parsed
    tables: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def read_xlsform(content: bytes, filename: str, media: list[tuple[str, bytes]] | None = None
                 ) -> tuple[dict[str, Any], SurveyRows]:
    """pyxform's JSON survey of the workbook, or FormRefused with every reason found; `media` are the CSV
    files uploaded with it as (file name, bytes)."""
    refusals, warnings = Refusals(), Warnings()
    extension = EXTENSIONS.get(PurePath(filename or "").suffix.lower())
    if extension is None:
        refusals.fail(_("El archivo debe ser un XLSForm .xlsx, .xlsm o .xls."))
    refusals.raise_if_any()
    check_workbook(content, extension)  # before openpyxl or xlrd: what reading it would cost is bounded
    try:
        workbook = get_xlsform(BytesIO(content), file_type=extension)
    except Exception:  # noqa: BLE001 - openpyxl and xlrd raise many types for a file that is not a workbook
        raise FormRefused([_("El archivo no se puede leer como hoja de cálculo .xlsx o .xls.")]) from None
    if not workbook.survey:
        raise FormRefused([_("El libro no tiene una hoja «survey» con preguntas.")])
    if workbook.entities:
        refusals.at("entities", None).fail(_("las entidades de ODK (hoja entities) no están admitidas; las "
                                             "visitas de Fieldwork ya se guardan por Mipyme."))
    tables, received = read_media(media or [], refusals)
    settings = row_checks.check_settings(workbook.settings or [], refusals, warnings)
    try:
        survey_rows = _survey_rows(workbook, settings.get("default_language"))
    except PyXFormError as error:
        raise FormRefused([_pyxform_message(str(error))]) from None
    rows, names = _check_survey(survey_rows, received, refusals, warnings)
    expressions = check_expressions(survey_rows, names, settings, {**dict.fromkeys(received), **tables}, refusals,
                                    warnings=warnings)
    row_checks.check_choices(workbook.choices or [], refusals, warnings,
                             allow_duplicates=row_checks.allows_duplicates(settings))
    refusals.raise_if_any()
    try:
        survey = workbook_to_json(workbook, fallback_form_name=PurePath(filename).stem)
    except PyXFormError as error:
        raise FormRefused([_pyxform_message(str(error))]) from None
    return survey, SurveyRows(rows, settings, expressions, tables, warnings.messages)


def _survey_rows(workbook: DefinitionData, default_language: str | None) -> list[dict[str, Any]]:
    """The survey rows as pyxform reads them (headers de-aliased, `label::x` grouped, `__row` numbered)."""
    sheet = dealias_and_group_headers(
        sheet_name="survey", sheet_data=workbook.survey, sheet_header=workbook.survey_header,
        header_aliases=aliases.survey_header, header_columns=set(MultipleChoiceQuestion.get_slot_names()),
        headers_required={"type"}, default_language=default_language or "default", add_row_number=True)
    return dealias_types(dict_array=list(sheet.data))


def _check_survey(survey_rows: list[dict[str, Any]], received: set[str], refusals: Refusals,
                  warnings: Warnings) -> tuple[dict[str, int], FormNames]:
    rows: dict[str, int] = {}
    names = FormNames()
    fed: dict[str, int] = {}  # indicator code → the row that feeds it
    open_: list[tuple[str, str]] = []  # the groups and repeats this row is inside: (kind, name)
    for raw in survey_rows:
        if len(raw) == 1:
            continue  # an empty row: only its number
        row = raw["__row"]
        where = refusals.at("survey", row)
        row_checks.check_columns(raw, where, warnings)
        row_checks.check_texts(raw, "survey", row, refusals)
        kind = row_checks.question_type(str(raw.get("type", "")), where)
        _check_row_parts(raw, kind, received, where, warnings)
        if kind in ("end_group", "end_repeat"):
            if open_ and open_[-1][0] == kind.replace("end", "begin"):
                open_.pop()
            continue  # a mismatched end: pyxform names it
        repeats = tuple(name for opened, name in open_ if opened == "begin_repeat")
        row_checks.check_indicator(raw, kind, bool(repeats), fed, where)
        if kind is None:
            continue
        name = str(raw.get("name", "")).strip()
        if kind in ("begin_group", "begin_repeat"):
            if len(open_) >= MAX_GROUP_DEPTH:
                where.fail(_("los grupos y repeticiones se anidan a más de %(limit)d niveles; saque este de los que "
                             "lo contienen.", limit=MAX_GROUP_DEPTH))
            open_.append((kind, name))
        if _check_name(name, rows, where):
            rows[name], names.kinds[name] = row, kind
            names.repeats[name] = repeats + ((name,) if kind == "begin_repeat" else ())
        required = str(row_checks.grouped(raw, "bind").get("required", "")).strip()
        if required and required not in REQUIRED_VALUES:
            where.fail(_("required debe ser yes o no; las condiciones en required no están admitidas "
                         "(use relevant)."))
    return rows, names


def _check_name(name: str, rows: dict[str, int], where) -> bool:
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
        return True
    return False


def _check_row_parts(raw: dict[str, Any], kind: str | None, received: set[str], where,
                     warnings: Warnings) -> None:
    """The columns that belong to some types only: a file a select reads, repeat_count, choice_filter,
    parameters."""
    written = re.sub(r"\s+", " ", str(raw.get("type", "")).strip())
    from_file = FILE_SELECT_TYPE.match(written)
    if from_file and PurePath(from_file.group(2)).suffix.lower() != ".csv":
        where.fail(_("las listas desde un archivo se leen de un CSV (.csv); «%(file)s» no lo es.",
                     file=from_file.group(2)))
    elif from_file and from_file.group(2) not in received:
        where.fail(_("la lista se lee del archivo «%(file)s», que no se subió con el formulario; súbalo junto al "
                     "XLSForm.", file=from_file.group(2)))
    if row_checks.grouped(raw, "control").get("jr:count") and kind != "begin_repeat":
        where.fail(_("repeat_count solo va en una fila begin_repeat."))
    if raw.get("choice_filter") and kind not in ("select_one", "select_multiple", "rank"):
        where.fail(_("choice_filter solo va en una pregunta de selección."))
    if raw.get("parameters") and kind is not None and not _PARAMETER_TYPES.match(written):
        warnings.ignored("survey", "parameters", _("en «%(type)s» solo ajusta cómo se ve la pregunta",
                                                   type=written))


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
