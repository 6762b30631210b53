"""The raw rows' checks against the subset (API.md, "Forms"): types, columns, texts, choices, settings.

They run on the rows as pyxform's workbook reader gives them, because only those know their row numbers;
each reason goes to `where` (a sheet and row of fieldwork.forms.refusals), in Spanish.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pyxform.parsing.sheet_headers import to_snake_case

from fieldwork.forms.refusals import Refusals, Warnings
from fieldwork.forms.subset import (
    BIND_KEYS,
    CONTROL_KEYS,
    EXTERNAL_APP,
    FILE_SELECT_TYPE,
    IGNORED_COLUMNS,
    MAX_TEXT,
    METADATA_TYPES,
    REFUSED_COLUMNS,
    REFUSED_SETTINGS,
    REFUSED_TYPES,
    REQUIRED_VALUES,
    SELECT_TYPE,
    SETTINGS,
    SETTINGS_ALIASES,
    SIMPLE_TYPES,
    SURVEY_KEYS,
)
from fieldwork.results.catalogue import BY_CODE, CODES

#: The bind columns that hold expressions, bounded by fieldwork.forms.expressions rather than as texts.
EXPRESSION_BINDS = ("relevant", "constraint", "calculate")
#: The survey column naming the catalogue indicator a question feeds (API.md, "Programme results").
INDICATOR_COLUMN = "indicator"
_COLUMN_NAMES = {"jr:constraintMsg": "constraint_message", "jr:requiredMsg": "required_message"}


def check_columns(raw: dict[str, Any], where, warnings: Warnings) -> None:
    """A survey row's columns: those that would change what a question does and Fieldwork does not do are
    refused; the rest it does not read (comments, looks, another tool's columns) are ignored with a warning."""
    for column, value in raw.items():
        # $kuid, $autoname…: KoboToolbox's bookkeeping; `indicator` is read by check_indicator
        if column in SURVEY_KEYS or column == INDICATOR_COLUMN or column.startswith("$"):
            continue
        if column in _GROUPS and not isinstance(value, dict):
            where.fail(_("«%(column)s» es el nombre que pyxform da a sus propias columnas; cambie el de esta.",
                         column=_GROUPS[column]))
            continue
        grouped = column in ("bind", "control")
        allowed = BIND_KEYS if column == "bind" else CONTROL_KEYS
        for key in (value if grouped else [column]):
            if grouped and key in allowed:
                continue
            if key in REFUSED_COLUMNS:
                where.fail(_("%(reason)s.", reason=REFUSED_COLUMNS[key]))
            elif grouped:
                warnings.ignored("survey", f"{column}::{key}")
            else:
                warnings.ignored("survey", _column_title(key, value), IGNORED_COLUMNS.get(key))


#: The keys pyxform groups written columns under (`bind::x`, `body::x`, `media::x`, `instance::x`), by the
#: header that yields them: a column written as just that name holds a text where pyxform expects a group.
_GROUPS = {"bind": "bind", "control": "body", "media": "media", "instance": "instance"}


def grouped(raw: dict[str, Any], key: str) -> dict[str, Any]:
    """A row's `bind` or `control` columns (empty when the row has none, or when it was written as one column)."""
    value = raw.get(key)
    return value if isinstance(value, dict) else {}


def _column_title(column: str, value: Any) -> str:
    """`media` as written (`media::image`), other columns by their name."""
    return f"{column}::{next(iter(value))}" if isinstance(value, dict) and value else column


def check_texts(raw: dict[str, Any], sheet: str, row: int, refusals: Refusals) -> None:
    """Every text of a row within MAX_TEXT; expressions have their own limit (fieldwork.forms.expressions)."""
    for column, text in _texts(raw):
        if len(text) > MAX_TEXT:
            refusals.at(sheet, row, column).fail(_("el texto tiene %(length)s caracteres; el máximo es 2.000.",
                                                   length=f"{len(text):,}".replace(",", ".")))


def _texts(raw: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in raw.items():
        if key in ("bind", "control") and isinstance(value, dict):
            for inner, text in value.items():
                if inner not in EXPRESSION_BINDS:
                    yield from _by_language(_COLUMN_NAMES.get(inner, inner), text)
        elif key != "__row":
            yield from _by_language(key, value)


def _by_language(column: str, value: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(value, dict):
        yield column, str(value)
        return
    for language, text in value.items():
        yield (column if language == "default" else f"{column}::{language}"), str(text)


def question_type(raw_type: str, where) -> str | None:
    """The definition's type for a row (selects by kind: select_one, select_multiple, rank), or None after
    recording why it is refused."""
    text = re.sub(r"\s+", " ", raw_type.strip())
    lowered = text.lower()
    if not text:
        where.fail(_("falta el tipo de pregunta (columna type)."))
        return None
    if lowered in SIMPLE_TYPES or lowered in METADATA_TYPES:
        return SIMPLE_TYPES.get(lowered) or METADATA_TYPES[lowered]
    select = SELECT_TYPE.match(text) or FILE_SELECT_TYPE.match(text)
    if select:
        kind = select.group(1).lower()
        return "rank" if kind == "rank" else "select_one" if "one" in kind else "select_multiple"
    if lowered.startswith("ex:"):
        reason = EXTERNAL_APP % {"type": text}
    elif lowered.startswith(("select_one_external", "select_multiple_external", "select one external")):
        reason = _("las listas de la hoja external_choices no están admitidas; ponga las opciones en la hoja "
                   "choices y filtre con choice_filter, o súbalas en un CSV con select_one_from_file")
    else:
        reason = REFUSED_TYPES.get(lowered) or _("el tipo «%(type)s» no está admitido", type=text)
    where.fail(_("%(reason)s.", reason=reason))
    return None


def check_choices(raw_rows: list[dict[str, str]], refusals: Refusals, warnings: Warnings, *,
                  allow_duplicates: bool) -> None:
    """Choice rows need a list and a name without spaces (select_multiple answers are space-separated), one
    name once per list unless the settings allow duplicates (allow_choice_duplicates). Their other columns are
    kept for choice_filter, but the choices' images and sounds are not shown."""
    rows: dict[tuple[str, str], int] = {}
    for index, original in enumerate(raw_rows):
        raw = {to_snake_case(key): value for key, value in original.items()}
        if not raw:
            continue
        for column in original:
            if to_snake_case(column).split("::")[0] in _CHOICE_MEDIA:
                warnings.ignored("choices", column, IGNORED_COLUMNS["media"])
        where = refusals.at("choices", index + 2)
        check_texts(raw, "choices", index + 2, refusals)
        list_name, name = str(raw.get("list_name", "")).strip(), str(raw.get("name", "")).strip()
        if not list_name or not name:
            where.fail(_("cada opción necesita list_name y name."))
        elif " " in name:
            where.fail(_("el nombre de opción «%(name)s» tiene espacios; las respuestas de selección múltiple "
                         "se separan con espacios.", name=name))
        elif (list_name, name) in rows and not allow_duplicates:
            where.fail(_("la opción «%(name)s» ya está en la lista «%(list)s» (fila %(other)d).",
                         name=name, list=list_name, other=rows[(list_name, name)]))
        else:
            rows[(list_name, name)] = index + 2


#: The choices sheet's media columns (pyxform's aliases of `media::…`).
_CHOICE_MEDIA = {"media", "image", "big-image", "audio", "video"}


def check_settings(raw_rows: list[dict[str, str]], refusals: Refusals, warnings: Warnings) -> dict[str, str]:
    """The settings Fieldwork reads; public_key is refused, any other setting ignored with a warning."""
    settings: dict[str, str] = {}
    where = refusals.at("settings", 2)
    for column, value in (raw_rows[0] if raw_rows else {}).items():
        key = to_snake_case(column)
        key = SETTINGS_ALIASES.get(key, key)
        if key in REFUSED_SETTINGS:
            where.fail(_("%(reason)s.", reason=REFUSED_SETTINGS[key]))
        elif key not in SETTINGS:
            warnings.ignored("settings", column)
        else:
            settings[key] = str(value).strip()
    return settings


def allows_duplicates(settings: dict[str, str]) -> bool:
    return bool(REQUIRED_VALUES.get(settings.get("allow_choice_duplicates", "").lower(), False))


#: What each indicator kind asks of its question's type, as the author reads it.
_KIND_TYPES = {"number": _l("integer, decimal o calculate"), "integer": _l("integer o calculate"),
               "yes_no": _l("select_one (sí/no) o acknowledge")}
#: Rows that hold no answer of their own: an indicator needs the question the officer answers (or a
#: calculate, whose value the server computes from the answers).
_UNANSWERED = ("begin_group", "note")


def check_indicator(raw: dict[str, Any], kind: str | None, in_repeat: bool, fed: dict[str, int], where) -> None:
    """The row's `indicator` names a catalogue code that no other row feeds, on a question of a type that
    code can be read from; `fed` (code → row) collects the codes fed so far."""
    code = str(raw.get(INDICATOR_COLUMN) or "").strip()
    if not code or kind is None:  # no indicator, or a type already refused for its own reason
        return
    indicator = BY_CODE.get(code)
    if indicator is None:
        where.fail(_("«%(code)s» no es un indicador del programa; use uno de estos: %(codes)s.",
                     code=code, codes=", ".join(CODES)))
    elif kind in _UNANSWERED:
        where.fail(_("un grupo o una nota no alimenta indicadores; ponga «%(code)s» en la pregunta que el "
                     "funcionario responde.", code=code))
    elif kind == "calculate" and indicator.kind == "yes_no":
        where.fail(_("un calculate da un número o un texto, no una respuesta de sí o no: el indicador «%(code)s» "
                     "necesita una pregunta select_one (sí/no) o acknowledge que el funcionario responda.",
                     code=code))
    elif in_repeat:
        # Answered once per instance: the figure is their total, or some other aggregate, written outside.
        where.fail(_("una pregunta dentro de una repetición se responde una vez por fila y no alimenta el "
                     "indicador «%(code)s»; póngalo en un calculate fuera de la repetición que la resuma, por "
                     "ejemplo sum(${%(name)s}).", code=code, name=str(raw.get("name", "")).strip()))
    elif kind not in indicator.question_types:
        where.fail(_("el indicador «%(code)s» necesita una pregunta %(types)s; esta es %(type)s.",
                     code=code, types=_KIND_TYPES[indicator.kind], type=kind))
    elif code in fed:
        where.fail(_("el indicador «%(code)s» ya lo alimenta la fila %(other)d; cada indicador sale de una sola "
                     "pregunta del formulario.", code=code, other=fed[code]))
    else:
        fed[code] = raw["__row"]
