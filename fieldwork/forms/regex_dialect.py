"""The one regular-expression dialect a form may use: what JavaScript (the phone, `u` flag) and RE2 (the
server) read alike, so a regex() can never pass on one side and fail on the other.

Admitted: literal characters, `.`, classes with explicit ranges (`[A-Za-zñ0-9]`, `[^,]`), `\\d` and `\\D`
(ASCII digits on both), `\\n \\r \\t`, escaped punctuation (`\\.`, `\\(`, `\\-` inside a class), the
anchors `^ $`, groups `(...)` and `(?:...)`, alternation, and `* + ? {m} {m,} {m,n}` (lazy forms too) with
bounds up to 100. Refused: `\\w \\s \\b` and other escapes that depend on Unicode tables, named groups,
lookaround, backreferences, inline flags, possessive quantifiers, and a group holding `*`, `+` or `|` that is
itself repeated without bound (the phone's engine backtracks exponentially on `(a+)+` and `(a|a)*`).
static/js/forms/regex-dialect.js is the same scanner; tests/forms/test_evaluators_agree.py holds the two to
the same verdicts.
"""
from __future__ import annotations

import re
from functools import lru_cache

import re2
from flask_babel import gettext as _

MAX_PATTERN_CHARS = 1000
MAX_BOUND = 100
#: RE2 refuses nested counted repetitions whose product passes 1000 ("invalid repetition size").
MAX_REPEAT_PRODUCT = 1000
_ESCAPED_PUNCTUATION = set("^$\\.*+?()[]{}|/")
_PLAIN_ESCAPES = set("dDnrt")
#: JavaScript's `.` skips these four; RE2's only \n. Spelled out on the server so both skip the same.
_SERVER_DOT = "[^\n\r\u2028\u2029]"
_SURROGATE = re.compile("[\ud800-\udfff]")
_QUANTIFIER = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")


class _Refused(Exception):
    def __init__(self, code: str, **details: object):
        super().__init__(code)
        self.code, self.details = code, details


def refusal(pattern: str) -> str | None:
    """Why `pattern` is outside the dialect (Spanish, saying what to write instead), or None."""
    try:
        _scan(pattern)
    except _Refused as refused:
        return _reason(refused)
    return None


def search(pattern: str, text: str) -> bool:
    """regex(text, pattern): false for a pattern outside the dialect, as on the phone. Linear time (RE2)."""
    compiled = _compiled(pattern)
    if compiled is None or _SURROGATE.search(text):
        return False  # a lone surrogate has no UTF-8 form for RE2; the phone's walk answers false too
    return compiled.search(text) is not None


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re2._Regexp | None:
    try:
        return re2.compile(_scan(pattern))
    except (_Refused, re2.error):
        return None


def _scan(pattern: str) -> str:
    """The pattern as RE2 should read it, or _Refused with the first thing outside the dialect."""
    _check_whole(pattern)
    out: list[str] = []
    frames = [[1, False]]  # per open group: the largest repeat product inside, whether it holds * + or |
    last: tuple[int, bool] | None = None  # what a quantifier would repeat: (product, holds * + or |)
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char in "*+?{":
            i, last = _quantifier(pattern, i, last, frames[-1], out)
            continue
        if char == "\\":
            escaped = pattern[i + 1:i + 2]
            if not (escaped in _PLAIN_ESCAPES or escaped in _ESCAPED_PUNCTUATION):
                raise _Refused("escape", char=escaped)
            out.append(pattern[i:i + 2])
            i, last = i + 2, (1, False)
        elif char == "[":
            end = _class_end(pattern, i)
            out.append(pattern[i:end])
            i, last = end, (1, False)
        elif char in "()":
            i, last = _group(pattern, i, frames, out)
        elif char in "]}":
            raise _Refused("lone", char=char)
        else:
            if char == "|":
                frames[-1][1] = True  # (a|a)* backtracks like (a+)+ on the phone
            out.append(_SERVER_DOT if char == "." else char)
            i, last = i + 1, (None if char in "^$|" else (1, False))
    if len(frames) > 1:
        raise _Refused("unbalanced")
    return "".join(out)


def _check_whole(pattern: str) -> None:
    if len(pattern) > MAX_PATTERN_CHARS:
        raise _Refused("long")
    if _SURROGATE.search(pattern):
        raise _Refused("char")


def _group(pattern: str, i: int, frames: list[list], out: list[str]) -> tuple[int, tuple[int, bool] | None]:
    """Opens a group (plain or (?:), or closes one; returns where the scan goes on and what it repeats."""
    if pattern[i] == ")":
        if len(frames) == 1:
            raise _Refused("unbalanced")
        product, unbounded = frames.pop()
        _fold(frames[-1], product, unbounded)
        out.append(")")
        return i + 1, (product, unbounded)
    if pattern.startswith("(?", i) and not pattern.startswith("(?:", i):
        raise _Refused("group")
    width = 3 if pattern.startswith("(?:", i) else 1
    out.append(pattern[i:i + width])
    frames.append([1, False])
    return i + width, None


def _fold(frame: list, product: int, unbounded: bool) -> None:
    frame[0], frame[1] = max(frame[0], product), frame[1] or unbounded


def _quantifier(pattern: str, i: int, last: tuple[int, bool] | None, frame: list, out: list[str]
                ) -> tuple[int, None]:
    """Reads the quantifier at `i` (and a lazy `?` after it); returns where the scan goes on."""
    if pattern[i] == "{":
        match = _QUANTIFIER.match(pattern, i)
        if match is None:
            raise _Refused("lone", char="{")
        low = int(match.group(1))
        high = low if match.group(2) is None else (int(match.group(3)) if match.group(3) else None)
        if max(low, high or 0) > MAX_BOUND or (high is not None and high < low):
            raise _Refused("bound", bound=MAX_BOUND)
        end, factor, unbounded = match.end(), max(low, high or 0, 1), high is None
    else:
        end, factor, unbounded = i + 1, 1, pattern[i] != "?"
    if last is None:
        raise _Refused("nothing", char=pattern[i:end])
    product, holds_unbounded = last
    if unbounded and holds_unbounded:
        raise _Refused("nested")
    if product * factor > MAX_REPEAT_PRODUCT:
        raise _Refused("bound", bound=MAX_BOUND)
    if pattern[end:end + 1] == "?":
        end += 1  # lazy: the same matches either way for a search
    elif pattern[end:end + 1] == "+":
        raise _Refused("possessive")
    _fold(frame, product * factor, holds_unbounded or unbounded)
    out.append(pattern[i:end])
    return end, None


def _class_end(pattern: str, start: int) -> int:
    """Where the class opened at `start` ends (after its `]`), checking each member."""
    i = start + 1 + (pattern[start + 1:start + 2] == "^")
    members = 0
    while i < len(pattern) and pattern[i] != "]":
        low, i = _class_member(pattern, i)
        members += 1
        if pattern[i:i + 1] == "-" and pattern[i + 1:i + 2] not in ("]", ""):
            high, i = _class_member(pattern, i + 1)
            if low is None or high is None or ord(high) < ord(low):
                raise _Refused("range")
    if i >= len(pattern):
        raise _Refused("unclosed")
    if members == 0:
        raise _Refused("empty_class")
    return i + 1


def _class_member(pattern: str, i: int) -> tuple[str | None, int]:
    """One character of a class (None for \\d, \\D) and the index after it."""
    char = pattern[i]
    if char == "[":
        raise _Refused("bracket")
    if char != "\\":
        return char, i + 1
    escaped = pattern[i + 1:i + 2]
    if escaped in ("d", "D"):
        return None, i + 2
    if escaped in _PLAIN_ESCAPES:
        return {"n": "\n", "r": "\r", "t": "\t"}[escaped], i + 2
    if escaped in _ESCAPED_PUNCTUATION or escaped == "-":
        return escaped, i + 2
    raise _Refused("escape", char=escaped)


def _reason(refused: _Refused) -> str:
    details = refused.details
    reasons = {
        "long": lambda: _("El patrón tiene más de %(n)d caracteres; escriba uno más corto.", n=MAX_PATTERN_CHARS),
        "char": lambda: _("El patrón tiene un carácter que no se puede leer; escríbalo de nuevo."),
        "escape": lambda: _(
            "«\\%(char)s» no se admite en el patrón: el teléfono y el servidor no lo leen igual. Para letras use "
            "una clase explícita, como [A-Za-zÁÉÍÓÚáéíóúÑñ]; para un espacio, [ ]; para un signo, \\ delante "
            "(\\. \\( \\?).",
            char=details["char"]),
        "group": lambda: _("Los grupos del patrón se escriben (…) o (?:…); quite nombres, opciones como (?i) "
                           "y búsquedas hacia adelante o atrás."),
        "unbalanced": lambda: _("Los paréntesis del patrón no están parejos."),
        "lone": lambda: _("«%(char)s» suelto en el patrón: escriba \\%(char)s para buscar ese carácter.",
                          char=details["char"]),
        "bound": lambda: _("Las repeticiones {m,n} del patrón pueden ir hasta %(bound)d (y, anidadas, "
                           "multiplicarse hasta 1000).", bound=MAX_BOUND),
        "nothing": lambda: _("«%(char)s» en el patrón no tiene nada que repetir antes.", char=details["char"]),
        "nested": lambda: _("Un grupo que tiene *, + o | no puede repetirse sin límite en el patrón: escriba, "
                            "por ejemplo, [a-z]+ en lugar de ([a-z]+)+, o [ab]* en lugar de (a|b)*."),
        "possessive": lambda: _("Los cuantificadores posesivos (como a++) no se admiten en el patrón."),
        "range": lambda: _("Un rango de una clase del patrón va de un carácter a otro posterior, como a-z."),
        "unclosed": lambda: _("Falta el ] que cierra una clase del patrón."),
        "empty_class": lambda: _("Una clase [] del patrón está vacía."),
        "bracket": lambda: _("Dentro de una clase del patrón escriba \\[ para buscar el carácter «[»."),
    }
    return reasons[refused.code]()
