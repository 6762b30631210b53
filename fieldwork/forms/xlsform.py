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
from pyxform.parsing.sheet_headers import dealias_and_group_headers
from pyxform.question import MultipleChoiceQuestion
from pyxform.xls2json import dealias_types, workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from fieldwork.forms import row_checks
from fieldwork.forms.expressions import ExpressionError, parse, references, size
from fieldwork.forms.refusals import FormRefused, Refusals
from fieldwork.forms.subset import (
    MAX_GROUP_DEPTH,
    MAX_NAME,
    OBJECT_PROPERTIES,
    REQUIRED_VALUES,
)
from fieldwork.forms.workbook_limits import check_workbook
from fieldwork.forms.xpath import MAX_STEPS

EXTENSIONS = (".xlsx", ".xls")

_NAME = re.compile(r"^[^\W\d][\w.-]*$")


#: Definition key → where pyxform puts that column of a survey row.
EXPRESSION_COLUMNS = {"relevant": "relevant", "constraint": "constraint", "calculation": "calculate"}
_TEXT_REFERENCE = re.compile(r"\$\{([^}]*)\}")


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
    settings = row_checks.check_settings(workbook.settings or [], refusals)
    try:
        survey_rows = _survey_rows(workbook, settings.get("default_language"))
    except PyXFormError as error:
        raise FormRefused([_pyxform_message(str(error))]) from None
    rows, kinds = _check_survey(survey_rows, refusals)
    expressions = _check_expressions(survey_rows, kinds, refusals)
    row_checks.check_choices(workbook.choices or [], refusals)
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
    fed: dict[str, int] = {}  # indicator code → the row that feeds it
    depth = repeats = 0
    for raw in survey_rows:
        if len(raw) == 1:
            continue  # an empty row: only its number
        row = raw["__row"]
        where = refusals.at("survey", row)
        row_checks.check_columns(raw, where)
        row_checks.check_texts(raw, "survey", row, refusals)
        kind = row_checks.question_type(str(raw.get("type", "")), where)
        depth = max(depth + {"begin_group": 1, "end_group": -1}.get(kind or "", 0), 0)
        # By the written type: a repeat's rows are known to be in one whether or not repeats are read.
        repeats = max(repeats + _REPEAT_STEP.get(_written_type(raw), 0), 0)
        row_checks.check_indicator(raw, kind, repeats > 0, fed, where)
        if kind == "begin_group" and depth > MAX_GROUP_DEPTH:
            where.fail(_("los grupos se anidan a más de %(limit)d niveles; saque este grupo de los que lo "
                         "contienen.", limit=MAX_GROUP_DEPTH))
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


_REPEAT_STEP = {"begin_repeat": 1, "end_repeat": -1}


def _written_type(raw: dict[str, Any]) -> str:
    return re.sub(r"\s+", "_", str(raw.get("type", "")).strip().lower())


def _check_expressions(survey_rows: list[dict[str, Any]], kinds: dict[str, str], refusals: Refusals
                       ) -> dict[tuple[str, str], tuple[str, list]]:
    """Parse every expression with our grammar and check that each ${name} is a question of the form."""
    parsed: dict[tuple[str, str], tuple[str, list]] = {}
    sizes: list[tuple[int, int, str]] = []  # (nodes, row, column) of each expression
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
            sizes.append((size(ast), raw["__row"], key))
            _check_references(references(ast), kinds, where)
        for column in ("label", "hint"):
            texts = raw.get(column, "")
            text = " ".join(map(str, texts.values())) if isinstance(texts, dict) else str(texts)
            _check_references(set(_TEXT_REFERENCE.findall(text)), kinds, refusals.at("survey", raw["__row"], column))
    _check_total_size(sizes, refusals)
    return parsed


def _check_total_size(sizes: list[tuple[int, int, str]], refusals: Refusals) -> None:
    """A visit runs each expression at most once and the server's budget is MAX_STEPS nodes per visit: a form
    whose expressions total more could have a visit refused for it, one within it never can."""
    total = sum(nodes for nodes, _row, _column in sizes)
    if total <= MAX_STEPS:
        return
    largest, row, column = max(sizes, key=lambda found: found[0])  # the first of the largest
    refusals.at("survey", None).fail(_(
        "las expresiones (relevant, constraint y calculation) suman %(total)s operaciones y el máximo por "
        "formulario es %(limit)s: con más, una visita podría pasar de lo que el servidor evalúa por visita y ser "
        "rechazada. Simplifique las expresiones o reparta las preguntas en dos formularios; la más grande está en "
        "la fila %(row)d, columna %(column)s, con %(largest)s operaciones.",
        total=_thousands(total), limit=_thousands(MAX_STEPS), row=row, column=column, largest=_thousands(largest)))


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _check_references(names: set[str], kinds: dict[str, str], where) -> None:
    for target in sorted(names):
        if target not in kinds:
            where.fail(_("${%(name)s} no es ninguna pregunta del formulario.", name=target))
        elif kinds[target] == "begin_group":
            where.fail(_("${%(name)s} es un grupo, no una pregunta.", name=target))


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
