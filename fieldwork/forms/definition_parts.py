"""The parts of a question some types have: a range's parameters, a list read from a CSV, a fixed default."""
from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from fieldwork.forms.expressions import MAX_NUMBER
from fieldwork.forms.media import Table, check_file_choices, file_choices
from fieldwork.forms.refusals import Refusals

#: ODK's defaults for a range without parameters.
RANGE_DEFAULTS = {"start": 1, "end": 10, "step": 1}


def range_parameters(parameters: dict[str, Any], where) -> dict[str, int | float]:
    """start, end and step as numbers (ints when whole): a step of 0 or less would never reach the end."""
    out: dict[str, int | float] = {}
    for key, default in RANGE_DEFAULTS.items():
        text = str(parameters.get(key, default)).strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or abs(value) > MAX_NUMBER:
            where.fail(_("el parámetro %(key)s de range debe ser un número (dice «%(value)s»).", key=key, value=text))
            out[key] = default
        else:
            out[key] = int(value) if value == value.to_integral_value() else float(value)
    if out["step"] <= 0:
        where.fail(_("el parámetro step de range debe ser mayor que cero."))
    return out


def file_choices_of(table: Table, filename: str, parameters: dict[str, Any], *, allow_duplicates: bool,
                    refusals: Refusals, where) -> list[dict[str, Any]]:
    """A CSV's rows as choices, its value and label columns named by `parameters` (pyxform's value=, label=)."""
    value, label = str(parameters.get("value", "name")), str(parameters.get("label", "label"))
    missing = [column for column in (value, label) if column not in table["columns"]
               and not (column == label and any(c.startswith(f"{label}::") for c in table["columns"]))]
    if missing:
        where.fail(_("el archivo «%(file)s» no tiene la columna «%(column)s» (tiene: %(columns)s); nómbrela en "
                     "parameters, por ejemplo value=codigo label=nombre.", file=filename, column=missing[0],
                     columns=", ".join(table["columns"])))
        return []
    choices = file_choices(table, value, label)
    if not choices:
        where.fail(_("el archivo «%(file)s» no tiene ninguna opción (solo la fila de encabezado).", file=filename))
    check_file_choices(choices, filename, refusals, allow_duplicates)
    return choices


_PATTERNS = {"integer": r"-?[0-9]+", "decimal": r"-?[0-9]+(\.[0-9]+)?", "range": r"-?[0-9]+(\.[0-9]+)?",
             "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "time": r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{3})?",
             "text": r".*"}
_DYNAMIC_DEFAULT = re.compile(r"\$\{|\b[a-z][a-z-]*\s*\(")


def default_refusal(question: dict[str, Any], value: str) -> str | None:
    """Why `value` cannot be the question's fixed default, or None when it is an answer the question takes."""
    if _DYNAMIC_DEFAULT.search(value):
        return _("los valores por defecto calculados no están admitidos; use un valor fijo.")
    kind = question["type"]
    choices = {c["name"] for c in question.get("choices", [])}
    if kind in ("select_one", "select_multiple", "rank") or kind in _PATTERNS:
        fits = _fits(kind, value, choices, question.get("parameters"))
        return None if fits else _("el valor por defecto «%(value)s» no es una respuesta válida para esta pregunta.",
                                   value=value)
    return _("las preguntas %(type)s no admiten valor por defecto en Fieldwork; quítelo.", type=kind)


def _fits(kind: str, value: str, choices: set[str], parameters: dict[str, Any] | None) -> bool:
    if kind in ("select_one", "select_multiple", "rank"):
        return value in choices if kind == "select_one" else set(value.split()) <= choices
    if not re.fullmatch(_PATTERNS[kind], value, re.DOTALL):
        return False
    if kind in ("integer", "decimal", "range") and abs(Decimal(value)) > MAX_NUMBER:
        return False  # an answer outside ±10^15 is refused: a default there could never be sent
    if kind == "range" and parameters and parameters["step"] > 0:
        low, high = sorted((parameters["start"], parameters["end"]))
        steps = (float(value) - parameters["start"]) / parameters["step"]
        return low <= float(value) <= high and math.isclose(steps, round(steps), abs_tol=1e-9)
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
    return True
