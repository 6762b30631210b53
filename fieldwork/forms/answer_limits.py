"""API.md's limits on a visit's answers, and the size of answers measured as the phone measures it.

A number beyond ±10^15 is a wrong type (no programme counts past a thousand billion, and babel cannot format
1e27); a text answer holds at most 10,000 characters and a visit's answers at most 256 KB, so one visit stays
cheap to store, show and export. static/js/forms/validate.js applies the same limits with the same words.
"""
from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

MAX_NUMBER = 10**15
MAX_TEXT_CHARS = 10_000
MAX_ANSWERS_BYTES = 256 * 1024

#: The walk's messages for limits and expressions (the phone's validate.js holds the same Spanish).
LIMIT_MESSAGES = {
    "too_long": _l("La respuesta es demasiado larga: escriba como máximo 10.000 caracteres."),
    "too_large": _l("Las respuestas de esta visita pasan de 256 KB: acorte los textos más largos."),
    "budget": _l("Calcular el formulario con estas respuestas tomaría demasiado trabajo: acorte los textos "
                 "o pida a su supervisor que simplifique las condiciones del formulario."),
    "invalid": _l("Esta parte del formulario no se puede calcular con estas respuestas: revise lo que "
                  "escribió o avise a su supervisor."),
    "calculation_too_long": _l("El cálculo de esta pregunta da un texto de más de 10.000 caracteres: acorte "
                               "las respuestas de las que depende."),
}


def limit_message(code: str) -> str:
    return str(LIMIT_MESSAGES[code])


def json_size(value: Any) -> int:
    """The UTF-8 bytes of JSON.stringify(value) on the phone, walked without recursion (a deep list is no
    crash). Python's json.dumps writes some numbers differently (1e-05, 1e+16), hence the walk."""
    size, pending = 0, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            size += 2 + max(len(item) - 1, 0) + len(item)  # braces, commas, colons
            for key, inner in item.items():
                size += _string_size(str(key))
                pending.append(inner)
        elif isinstance(item, list):
            size += 2 + max(len(item) - 1, 0)
            pending.extend(item)
        elif isinstance(item, str):
            size += _string_size(item)
        elif item is None or isinstance(item, bool):
            size += 5 if item is False else 4
        elif isinstance(item, int | float):
            size += len(js_number(item))
    return size


def _string_size(text: str) -> int:
    # A lone surrogate: JavaScript writes "\ud800" (six bytes), as backslashreplace does.
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8", "backslashreplace"))


def js_number(value: int | float) -> str:
    """Number.prototype.toString, as JSON.stringify writes a number (null for NaN and infinities)."""
    try:
        value = float(value)
    except OverflowError:
        value = math.inf  # an integer past any double: JavaScript's Number() of it is Infinity
    if not math.isfinite(value):
        return "null"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    shortest = Decimal(repr(abs(value))).as_tuple()  # the shortest round-trip digits, as JavaScript's
    digits = "".join(map(str, shortest.digits)).rstrip("0")
    point = shortest.exponent + len(shortest.digits)  # value = 0.<digits> × 10^point
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return f"{sign}{digits[:point]}.{digits[point:]}"
    if -6 < point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    exponent = point - 1
    mantissa = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"
