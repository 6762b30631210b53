"""Numbers as people in Colombia write them (es-CO): dots group the thousands, a comma starts the decimals.

One strict reading, shared with the phone (static/js/numbers.js) through tests/cases/numbers.json, so
that a figure is never changed silently: `4.500.000` is 4500000, while `4.500.000,50` in a whole-number
field, `-5`, `2,5` employees, `4.50.000` or `45.00` are refused with a message that says what to type.
The patterns spell out ASCII digits and the spaces they accept: Python's `\\d`, `isdigit()` and
`strip()` take more characters than JavaScript's, and the two readers must agree on every input.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

#: The largest whole number both readers hold exactly (JavaScript's Number.MAX_SAFE_INTEGER).
MAX_SAFE_INTEGER = 2**53 - 1

_SPACES = " \t\n\r\u00a0\u2009\u202f"  # what a keyboard, a paste or Intl.NumberFormat put around figures
_TRIM = re.compile(f"^[{_SPACES}]+|[{_SPACES}]+$")
_ALLOWED = re.compile(f"[-+0-9.,{_SPACES}]+")
_SIGN = re.compile("[-+]")
# Either plain digits, or 1-3 digits followed by groups of three, each after the same separator.
_WHOLE = re.compile(r"[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[1-9][0-9]{0,2}(?:[ \u00a0\u2009\u202f][0-9]{3})+")
_FRACTION = re.compile("[0-9]+")

INTEGER_MESSAGES = {
    "characters": _l("Escriba un número entero, sin centavos ni signo: solo cifras, sin letras ni símbolos."),
    "sign": _l("Escriba un número entero, sin centavos ni signo: sin «-» ni «+»."),
    "decimal": _l("Escriba un número entero, sin centavos ni signo: sin coma ni decimales (por ejemplo 4.500.000)."),
    "grouping": _l("Los puntos separan los miles en grupos de tres cifras: escriba por ejemplo 4.500.000 o 4500000."),
    "too_big": _l("El número es demasiado grande."),
}
DECIMAL_MESSAGES = {
    "characters": _l("Escriba un número: solo cifras, con coma para los decimales (por ejemplo 35,5)."),
    "sign": _l("Escriba un número sin signo: sin «-» ni «+»."),
    "decimal": _l("Use una sola coma, para los decimales: por ejemplo 1.234,5."),
    "grouping": _l("Use la coma para los decimales y el punto para los miles: por ejemplo 1.234,5."),
    "too_big": _l("El número es demasiado grande."),
}


class NumberError(ValueError):
    """What the officer typed is not a number of this kind; `code` names why, `message` says it in Spanish."""

    def __init__(self, code: str, messages: dict[str, object]) -> None:
        super().__init__(code)
        self.code = code
        self.message = str(messages[code])


def _split_sign(text: str, allow_negative: bool, messages: dict[str, object]) -> tuple[int, str] | None:
    """(sign, the rest) of the trimmed text, or None when nothing was typed."""
    text = _TRIM.sub("", text or "")
    if not text:
        return None
    if not _ALLOWED.fullmatch(text):
        raise NumberError("characters", messages)
    sign = 1
    if text[0] in "-+":
        sign = -1 if text[0] == "-" else 1
        if not allow_negative or text[0] == "+":
            raise NumberError("sign", messages)
        text = _TRIM.sub("", text[1:])
    if _SIGN.search(text):  # a sign inside the figure ("4-500")
        raise NumberError("sign" if not allow_negative else "characters", messages)
    if not text:
        raise NumberError("characters", messages)
    return sign, text


def _whole(text: str, messages: dict[str, object]) -> int:
    if not _WHOLE.fullmatch(text):
        raise NumberError("grouping", messages)
    digits = re.sub(f"[.{_SPACES}]", "", text)
    if len(digits.lstrip("0")) > len(str(MAX_SAFE_INTEGER)):  # too big, before int() meets a huge string
        raise NumberError("too_big", messages)
    return int(digits)


def parse_integer(text: str | None, *, maximum: int = MAX_SAFE_INTEGER, allow_negative: bool = False) -> int | None:
    """A whole number typed in es-CO (`4.500.000`, `4500000`, `4 500 000`), or None when blank.

    Raises NumberError for a decimal comma, a sign (unless `allow_negative`), letters, misplaced dots
    or a value above `maximum`."""
    split = _split_sign(text or "", allow_negative, INTEGER_MESSAGES)
    if split is None:
        return None
    sign, body = split
    if "," in body:
        raise NumberError("decimal", INTEGER_MESSAGES)
    value = _whole(body, INTEGER_MESSAGES)
    if value > min(maximum, MAX_SAFE_INTEGER):
        raise NumberError("too_big", INTEGER_MESSAGES)
    return sign * value or 0  # "-0" is 0


def parse_decimal(text: str | None, *, maximum: float = MAX_SAFE_INTEGER, allow_negative: bool = False
                  ) -> float | None:
    """A number with a decimal comma typed in es-CO (`35,5`, `1.234,5`, `1234`), or None when blank.

    A dot is always a thousands separator, so `35.5` is refused (with a hint to use the comma)."""
    split = _split_sign(text or "", allow_negative, DECIMAL_MESSAGES)
    if split is None:
        return None
    sign, body = split
    whole, comma, fraction = body.partition(",")
    if "," in fraction:
        raise NumberError("decimal", DECIMAL_MESSAGES)
    if comma and not _FRACTION.fullmatch(fraction):
        raise NumberError("grouping", DECIMAL_MESSAGES)
    integral = _whole(whole, DECIMAL_MESSAGES)  # ",5" is refused too: Colombians write 0,5
    # float() of the plain decimal string rounds exactly as JavaScript's Number() does.
    value = float(f"{integral}.{fraction or '0'}")
    if value > min(maximum, MAX_SAFE_INTEGER):
        raise NumberError("too_big", DECIMAL_MESSAGES)
    return sign * value or 0.0  # "-0,0" is 0, in JSON as in JavaScript
