"""Evaluates the expression AST with the XPath 1.0 rules XLSForm relies on (API.md, "Forms").

Values are str, float or bool. The browser module static/js/forms/xpath.js does the same, case for case:
tests/forms/expression_cases.json is the corpus both must pass, and a property test runs random expressions
through both, so every choice below that JavaScript would make differently by default (number parsing,
string(n), -0, mod, string length, round's scale, regex dialect) is spelled out.

Evaluation has a budget shared by a visit's whole walk: every node costs a step, and every text a node
yields costs its length, so calculates that double a text each time cannot grow without bound. Running
out, like any failure, raises EvaluationError, which the walk turns into a rejection of that visit.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from fieldwork.forms import regex_dialect

Value = str | float | bool

#: XPath 1.0's Number production, matched whole, ASCII digits only, optional surrounding whitespace:
#: no exponent, no '+', no 'Infinity' (all of which JavaScript's Number() would accept).
_NUMBER = re.compile(r"[ \t\r\n]*-?([0-9]+(\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NAN = float("nan")
#: A visit's budget. Each expression runs at most once in a walk, so a form whose expressions total fewer
#: nodes than MAX_STEPS never meets it (a 2,000-row form at 20 nodes a row needs 40,000); 100,000 steps take
#: about 0.4 s. What the character budget stops is a text copied over and over.
MAX_STEPS = 100_000
MAX_CHARS = 2_000_000
#: round()'s digits beyond this give NaN: 10^n is not a finite double (JavaScript then gives NaN too).
_ROUND_DIGITS = 300


class EvaluationError(Exception):
    """An expression that cannot be evaluated with these answers: `reason` is "budget" or "invalid"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Budget:
    """Steps and characters left for one visit's expressions (the walk shares one across them all)."""

    def __init__(self, steps: int = MAX_STEPS, chars: int = MAX_CHARS):
        self.steps, self.chars = steps, chars

    def charge(self, value: Value) -> Value:
        self.steps -= 1
        if isinstance(value, str):
            self.chars -= len(value)  # code points, as the phone counts them
        if self.steps < 0 or self.chars < 0:
            raise EvaluationError("budget")
        return value


def to_number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float | int):
        return float(value)
    return float(value) if _NUMBER.fullmatch(value) else NAN


def to_string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer():
        return str(int(value))  # also turns -0 into "0"
    # repr is the shortest round-trip form; Decimal writes it out without an exponent, as XPath does.
    return format(Decimal(repr(value)), "f")


def to_boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value != ""
    return value != 0 and not math.isnan(value)


def tokens(value: Value) -> list[str]:
    """The choice names of a select_multiple value: space-separated, empties ignored."""
    return [t for t in to_string(value).split(" ") if t]


def evaluate(ast: list, values: Mapping[str, Value], self_value: Value = "", today: str = "",
             budget: Budget | None = None) -> Value:
    """The value of `ast` where ${name} reads `values` (missing → '') and `.` is `self_value`;
    EvaluationError when `budget` (a fresh one by default) runs out or the tree cannot be evaluated."""
    try:
        return _Evaluation(values, self_value, today, budget or Budget()).run(ast)
    except EvaluationError:
        raise
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError):
        # A tree the parser never makes (a stored definition edited by hand): refused, never a 500.
        raise EvaluationError("invalid") from None


class _Evaluation:
    def __init__(self, values: Mapping[str, Value], self_value: Value, today: str, budget: Budget):
        self.values, self.self_value, self.today, self.budget = values, self_value, today, budget

    def run(self, node: list) -> Value:
        return self.budget.charge(self._value(node))

    def _value(self, node: list) -> Value:
        kind = node[0]
        if kind in _NODES:
            return _NODES[kind](self, node)
        left, right = self.run(node[1]), self.run(node[2])
        if kind in ("=", "!="):
            return _equal(left, right) == (kind == "=")
        if kind in _RELATIONS:
            return _compare(kind, left, right)
        return _ARITHMETIC[kind](to_number(left), to_number(right))

    def reference(self, name: str) -> Value:
        value = self.values.get(name, "")
        return "" if value is None else value


#: Nodes that are not a plain binary operator (and/or short-circuit, as in XPath).
_NODES: dict[str, Callable[[_Evaluation, list], Value]] = {
    "num": lambda e, node: float(node[1]),
    "str": lambda e, node: node[1],
    "ref": lambda e, node: e.reference(node[1]),
    "self": lambda e, node: e.self_value,
    "neg": lambda e, node: -to_number(e.run(node[1])),
    "call": lambda e, node: _FUNCTIONS[node[1]](e, node[2:]),
    "or": lambda e, node: to_boolean(e.run(node[1])) or to_boolean(e.run(node[2])),
    "and": lambda e, node: to_boolean(e.run(node[1])) and to_boolean(e.run(node[2])),
}


def _equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if isinstance(left, float) or isinstance(right, float):
        return to_number(left) == to_number(right)  # NaN == anything is False
    return left == right


_RELATIONS: dict[str, Callable[[object, object], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _compare(operator: str, left: Value, right: Value) -> bool:
    if isinstance(left, str) and isinstance(right, str) and _DATE.fullmatch(left) and _DATE.fullmatch(right):
        return _RELATIONS[operator](left, right)
    return _RELATIONS[operator](to_number(left), to_number(right))  # NaN compares false


def _divide(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return NAN
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _modulo(a: float, b: float) -> float:
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return NAN
    return math.fmod(a, b)  # the sign of the dividend, as JavaScript's %


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "div": _divide, "mod": _modulo,
}


def _truncate(x: float) -> float:
    if math.isnan(x) or math.isinf(x):
        return x
    return math.copysign(float(math.trunc(x)), x)  # keeps -0 like JavaScript's Math.trunc


def _floor(x: float) -> float:
    return x if math.isnan(x) or math.isinf(x) else float(math.floor(x))


def _round(e: _Evaluation, args: list) -> float:
    x = to_number(e.run(args[0]))
    if len(args) == 1:
        return _floor(x + 0.5)
    digits = _truncate(to_number(e.run(args[1])))
    if math.isnan(digits) or abs(digits) > _ROUND_DIGITS:
        return NAN
    scale = float(f"1e{int(digits)}")  # the literal's correctly rounded value, as the phone's Number("1eN")
    return _divide(_floor(x * scale + 0.5), scale)


def _regex(e: _Evaluation, args: list) -> bool:
    # Outside the one dialect both engines read alike (a pattern typed in an answer), it matches nothing.
    text = to_string(e.run(args[0]))
    return regex_dialect.search(to_string(e.run(args[1])), text)


def _coalesce(e: _Evaluation, args: list) -> Value:
    first = e.run(args[0])
    return e.run(args[1]) if to_string(first) == "" else first


_FUNCTIONS: dict[str, Callable[[_Evaluation, list], Value]] = {
    "not": lambda e, a: not to_boolean(e.run(a[0])),
    "selected": lambda e, a: to_string(e.run(a[1])) in tokens(e.run(a[0])),
    "count-selected": lambda e, a: float(len(tokens(e.run(a[0])))),
    "string-length": lambda e, a: float(len(to_string(e.run(a[0])))),  # code points, not UTF-16 units
    "regex": _regex,
    "if": lambda e, a: e.run(a[1]) if to_boolean(e.run(a[0])) else e.run(a[2]),
    "coalesce": _coalesce,
    "concat": lambda e, a: "".join(to_string(e.run(x)) for x in a),
    "number": lambda e, a: to_number(e.run(a[0])),
    "int": lambda e, a: _truncate(to_number(e.run(a[0]))),
    "round": _round,
    "today": lambda e, a: e.today,
}
