"""The functions a form's expressions may call: the ODK XForms spec's library for one form (getodk/xforms-spec,
§XPath Functions), as API.md lists it. `ARITY` is the one list of names the upload accepts
(fieldwork/forms/expressions.py) and `FUNCTIONS` their meaning; static/js/forms/xpath-library.js is the same
table. Arguments are evaluated left to right, and only those the spec needs (if, coalesce, once), so both
evaluators spend the same budget steps.
"""
from __future__ import annotations

import math
import random
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from fieldwork.forms import regex_dialect
from fieldwork.forms import xpath_numbers as numbers
from fieldwork.forms.xpath_dates import day_fraction, format_moment, iso_day, moment
from fieldwork.forms.xpath_nodesets import NODESET_FUNCTIONS
from fieldwork.forms.xpath_values import WHITESPACE, Value, to_boolean, to_number, to_string, tokens

#: name → (fewest, most) arguments; None means any number.
ARITY: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2), "count-selected": (1, 1), "selected-at": (2, 2), "jr:choice-name": (2, 2),
    "string-length": (1, 1), "regex": (2, 2), "if": (3, 3), "coalesce": (2, 2), "once": (1, 1),
    "concat": (1, None), "join": (1, None), "substr": (2, 3), "substring-before": (2, 2),
    "substring-after": (2, 2), "contains": (2, 2), "starts-with": (2, 2), "ends-with": (2, 2),
    "translate": (3, 3), "normalize-space": (0, 1), "string": (0, 1), "uuid": (0, 1),
    "number": (0, 1), "int": (1, 1), "round": (1, 2), "pow": (2, 2), "abs": (1, 1), "floor": (1, 1),
    "ceiling": (1, 1), "sqrt": (1, 1), "pi": (0, 0), "random": (0, 0), "max": (1, None), "min": (1, None),
    "exp10": (1, 1),
    **dict.fromkeys(("log", "log10", "exp", "sin", "cos", "tan", "asin", "acos", "atan"), (1, 1)), "atan2": (2, 2),
    "not": (1, 1), "true": (0, 0), "false": (0, 0), "boolean": (1, 1), "boolean-from-string": (1, 1),
    "today": (0, 0), "now": (0, 0), "date": (1, 1), "decimal-date-time": (1, 1), "decimal-time": (1, 1),
    "format-date": (2, 2), "format-date-time": (2, 2),
    "position": (1, 1), "indexed-repeat": (3, 7), "count": (1, 1), "sum": (1, 1), "count-non-empty": (1, 1),
    "pulldata": (4, 4),
}
_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_XML_SPACE = " \t\r\n"

Evaluation = Any  # fieldwork.forms.xpath._Evaluation: run(node), self_value, today, now, language, labels, budget,
#                   scope (reference, position, indexed, tables, lookups)


def _number(e: Evaluation, node: list) -> float:
    return to_number(e.run(node))


def _text(e: Evaluation, node: list) -> str:
    return to_string(e.run(node))


def _self_or(e: Evaluation, args: list) -> Value:
    return e.run(args[0]) if args else e.self_value


def _selected(e: Evaluation, args: list) -> bool:
    choices = tokens(e.run(args[0]))
    return _text(e, args[1]).strip(_XML_SPACE) in choices  # spec: a value in a space-separated list


def _selected_at(e: Evaluation, args: list) -> str:
    choices, index = tokens(e.run(args[0])), numbers.truncate(_number(e, args[1]))
    return choices[int(index)] if 0 <= index < len(choices) else ""  # NaN and infinities fail both tests


def _choice_name(e: Evaluation, args: list) -> str:
    """jr:choice-name(value, '${question}') (the parser made the quoted name a ["ref", name]): the label, in
    the caller's language, of the question's choice named `value`."""
    value, question = _text(e, args[0]), args[1]
    e.run(question)  # a step, as the phone counts it
    return (e.labels.get(question[1]) or {}).get(value, "") if question[0] == "ref" else ""


def _coalesce(e: Evaluation, args: list) -> Value:
    first = e.run(args[0])
    return e.run(args[1]) if to_string(first) == "" else first


def _once(e: Evaluation, args: list) -> Value:
    return e.run(args[0]) if to_string(e.self_value) == "" else e.self_value


def _index(x: float, length: int) -> int:
    """A substr() position as JavaScript's slice reads it: NaN is 0, a negative one counts from the end."""
    whole = numbers.truncate(x)
    if math.isnan(whole):
        return 0
    if whole < 0:
        return max(length + int(max(whole, -length)), 0)
    return int(min(whole, length))


def _substr(e: Evaluation, args: list) -> str:
    text = _text(e, args[0])
    start = _index(_number(e, args[1]), len(text))
    end = _index(_number(e, args[2]), len(text)) if len(args) > 2 else len(text)
    return text[start:end]


def _before(text: str, part: str) -> str:
    at = text.find(part)
    return text[:at] if at >= 0 else ""


def _after(text: str, part: str) -> str:
    at = text.find(part)
    return text[at + len(part):] if at >= 0 else ""


def _translate(text: str, source: str, target: str) -> str:
    table: dict[str, str] = {}
    for i, char in enumerate(source):
        table.setdefault(char, target[i] if i < len(target) else "")  # the first occurrence wins
    return "".join(table.get(char, char) for char in text)


def _on_texts(function: Callable[..., Value]) -> Callable[[Evaluation, list], Value]:
    """A function of its arguments' string values, evaluated left to right."""
    return lambda e, args: function(*[_text(e, node) for node in args])


def _on_numbers(function: Callable[..., Value]) -> Callable[[Evaluation, list], Value]:
    """A function of its arguments' number values, evaluated left to right."""
    return lambda e, args: function(*[_number(e, node) for node in args])


def _uuid(e: Evaluation, args: list) -> str:
    if not args:
        return str(uuid.uuid4())
    length = numbers.truncate(_number(e, args[0]))
    if not length > 0:
        return ""
    e.budget.ensure(length)
    return "".join(_ALPHANUMERIC[b % 62] for b in secrets.token_bytes(int(length)))


def _round(e: Evaluation, args: list) -> float:
    x = _number(e, args[0])
    return numbers.round_to(x, _number(e, args[1]) if len(args) > 1 else None)


def _date(e: Evaluation, args: list) -> str:
    value = e.run(args[0])
    when = moment(value if isinstance(value, str) else None, to_number(value))
    return "" if when is None else iso_day(when.day)


def _format(e: Evaluation, args: list) -> str:
    value, pattern = e.run(args[0]), _text(e, args[1])
    when = moment(value if isinstance(value, str) else None, to_number(value))
    return "" if when is None else format_moment(when, pattern, e.language)


FUNCTIONS: dict[str, Callable[[Evaluation, list], Value]] = {
    "selected": _selected,
    "count-selected": lambda e, a: float(len(tokens(e.run(a[0])))),
    "selected-at": _selected_at,
    "jr:choice-name": _choice_name,
    "string-length": _on_texts(lambda text: float(len(text))),  # code points, not UTF-16 units
    # Outside the one dialect both engines read alike (a pattern typed in an answer), it matches nothing.
    "regex": _on_texts(lambda text, pattern: regex_dialect.search(pattern, text)),
    "if": lambda e, a: e.run(a[1]) if to_boolean(e.run(a[0])) else e.run(a[2]),
    "coalesce": _coalesce,
    "once": _once,
    "concat": _on_texts(lambda *parts: "".join(parts)),
    "substr": _substr,
    "substring-before": _on_texts(_before),
    "substring-after": _on_texts(_after),
    "contains": _on_texts(lambda text, part: part in text),
    "starts-with": _on_texts(str.startswith),
    "ends-with": _on_texts(str.endswith),
    "translate": _on_texts(_translate),
    "normalize-space": lambda e, a: WHITESPACE.sub(" ", to_string(_self_or(e, a))).strip(" "),
    "string": lambda e, a: to_string(_self_or(e, a)),
    "uuid": _uuid,
    "number": lambda e, a: to_number(_self_or(e, a)),
    "int": _on_numbers(numbers.truncate),
    "round": _round,
    "pow": _on_numbers(numbers.power),
    "abs": _on_numbers(abs),
    "floor": _on_numbers(numbers.floor),
    "ceiling": _on_numbers(numbers.ceiling),
    "sqrt": _on_numbers(numbers.square_root),
    "pi": lambda e, a: numbers.PI,
    "random": lambda e, a: random.random(),  # noqa: S311 (a form's draw, not a secret)
    "exp10": _on_numbers(lambda x: numbers.power(10.0, x)),
    **{name: _on_numbers(numbers.platform(getattr(math, name)))
       for name in ("log", "log10", "exp", "sin", "cos", "tan", "asin", "acos", "atan", "atan2")},
    "not": lambda e, a: not to_boolean(e.run(a[0])),
    "true": lambda e, a: True,
    "false": lambda e, a: False,
    "boolean": lambda e, a: to_boolean(e.run(a[0])),
    "boolean-from-string": _on_texts(lambda text: text in ("true", "1")),  # spec: anything else is false
    "today": lambda e, a: e.today,
    "now": lambda e, a: e.now,
    "date": _date,
    "decimal-date-time": _on_numbers(float),  # number() already reads dates and dateTimes (spec: number())
    "decimal-time": _on_texts(day_fraction),
    "format-date": _format,
    "format-date-time": _format,
    **NODESET_FUNCTIONS,
}
