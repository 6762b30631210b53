"""Evaluates the expression AST with the rules of the ODK XForms spec (XPath 1.0 as the spec extends it;
API.md, "Forms").

Values are str, float or bool (fieldwork/forms/xpath_values.py); the functions are the spec's library
(fieldwork/forms/xpath_library.py). The browser module static/js/forms/xpath.js does the same, case for case:
tests/forms/expression_cases*.json is the corpus both must pass, and a property test runs random expressions
through both.

Evaluation has a budget shared by a visit's whole walk: every node costs a step, and every text a node
yields costs its length, so calculates that double a text each time cannot grow without bound. Running
out, like any failure, raises EvaluationError, which the walk turns into a rejection of that visit.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from fieldwork.forms import xpath_numbers as numbers
from fieldwork.forms.xpath_library import FUNCTIONS
from fieldwork.forms.xpath_values import (
    MAX_CHARS,
    MAX_STEPS,
    Budget,
    EvaluationError,
    Value,
    to_boolean,
    to_number,
    to_string,
    tokens,
)

__all__ = ["MAX_CHARS", "MAX_STEPS", "Budget", "EvaluationError", "Value", "evaluate", "to_boolean", "to_number",
           "to_string", "tokens"]


def evaluate(ast: list, values: Mapping[str, Value], self_value: Value = "", today: str = "",
             budget: Budget | None = None, *, now: str = "", language: str = "es",
             labels: Mapping[str, Mapping[str, str]] | None = None) -> Value:
    """The value of `ast` where ${name} reads `values` (missing → '') and `.` is `self_value`; today() is
    `today` ('YYYY-MM-DD'), now() is `now` (a dateTime with its offset), format-date() names months and days
    in `language` ('en…' English, anything else Spanish) and jr:choice-name() reads `labels` ({question:
    {choice: label}}). EvaluationError when `budget` (a fresh one by default) runs out or the tree cannot
    be evaluated."""
    try:
        context = {"today": today, "now": now, "language": language, "labels": labels or {}}
        return _Evaluation(values, self_value, budget or Budget(), context).run(ast)
    except EvaluationError:
        raise
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError):
        # A tree the parser never makes (a stored definition edited by hand): refused, never a 500.
        raise EvaluationError("invalid") from None


class _Evaluation:
    def __init__(self, values: Mapping[str, Value], self_value: Value, budget: Budget, context: dict):
        self.values, self.self_value, self.budget = values, self_value, budget
        self.today, self.now, self.language, self.labels = (context[key] for key in ("today", "now", "language",
                                                                                     "labels"))

    def run(self, node: list) -> Value:
        return self.budget.charge(self._value(node))

    def _value(self, node: list) -> Value:
        kind = node[0]
        if kind in _NODES:
            return _NODES[kind](self, node)
        left, right = self.run(node[1]), self.run(node[2])
        if kind in ("=", "!="):
            return _equal(left, right) == (kind == "=")
        if kind in _RELATIONS:  # XPath 1.0: as numbers, and number() reads dates (spec §XPath Operators)
            return _RELATIONS[kind](to_number(left), to_number(right))  # NaN compares false
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
    "call": lambda e, node: FUNCTIONS[node[1]](e, node[2:]),
    "or": lambda e, node: to_boolean(e.run(node[1])) or to_boolean(e.run(node[2])),
    "and": lambda e, node: to_boolean(e.run(node[1])) and to_boolean(e.run(node[2])),
}


def _equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if isinstance(left, float) or isinstance(right, float):
        return to_number(left) == to_number(right)  # NaN == anything is False
    return left == right


_RELATIONS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}
_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "div": numbers.divide,
    "mod": numbers.modulo,
}
