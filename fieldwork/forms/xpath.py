"""Evaluates the expression AST with the rules of the ODK XForms spec (XPath 1.0 as the spec extends it;
API.md, "Forms").

Values are str, float, bool or Nodeset (fieldwork/forms/xpath_values.py); the functions are the spec's library
(fieldwork/forms/xpath_library.py). The browser module static/js/forms/xpath.js does the same, case for case:
tests/forms/expression_cases*.json is the corpus both must pass, and a property test runs random expressions
through both.

A reference reads its value through a scope: FlatScope (a mapping of names, the corpus and the upload's
checks) or a visit's document inside its repeats (fieldwork/forms/xpath_document.py), where ${x} may be a
node-set; comparisons then hold when any node satisfies them (XPath 1.0 §3.4).

Evaluation has a budget shared by a visit's whole walk: every node costs a step, and every text a node
yields costs its length, so calculates that double a text each time cannot grow without bound. Running
out, like any failure, raises EvaluationError, which the walk turns into a rejection of that visit.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fieldwork.forms import xpath_numbers as numbers
from fieldwork.forms.xpath_library import FUNCTIONS
from fieldwork.forms.xpath_values import (
    MAX_CHARS,
    MAX_STEPS,
    Budget,
    EvaluationError,
    Nodeset,
    Value,
    nodes,
    to_boolean,
    to_number,
    to_string,
    tokens,
)

__all__ = ["MAX_CHARS", "MAX_STEPS", "Budget", "EvaluationError", "FlatScope", "Nodeset", "Value", "evaluate",
           "to_boolean", "to_number", "to_string", "tokens"]

Tables = Mapping[str, Mapping[str, Any]]


class FlatScope:
    """References read a mapping of names (missing → ''; a Nodeset value is a node-set): no repeats, so
    position(..) is the root's 1 and indexed-repeat() finds nothing."""

    def __init__(self, values: Mapping[str, Value], tables: Tables | None = None):
        self.values, self.tables, self.lookups = values, tables or {}, {}

    def reference(self, name: str) -> Value:
        value = self.values.get(name, "")
        return "" if value is None else value

    def position(self) -> float:
        return 1.0

    def indexed(self, name: str, pairs: list[tuple[str, float]]) -> Value:
        return ""


def evaluate(ast: list, values: Mapping[str, Value], self_value: Value = "", today: str = "",
             budget: Budget | None = None, *, now: str = "", language: str = "es",
             labels: Mapping[str, Mapping[str, str]] | None = None, tables: Tables | None = None,
             columns: Mapping[str, str] | None = None, scope: Any = None) -> Value:
    """The value of `ast` where ${name} reads `values` (missing → '') and `.` is `self_value`; today() is
    `today` ('YYYY-MM-DD'), now() is `now` (a dateTime with its offset), format-date() names months and days
    in `language` ('en…' English, anything else Spanish), jr:choice-name() reads `labels` ({question:
    {choice: label}}), pulldata() reads `tables` ({stem: {"columns", "rows"}}) and a choice_filter's bare
    names read `columns` (the choice's). A `scope` (xpath_document) replaces `values` and `tables` inside a
    visit's repeats. EvaluationError when `budget` (a fresh one by default) runs out or the tree cannot
    be evaluated."""
    try:
        context = {"today": today, "now": now, "language": language, "labels": labels or {}, "columns": columns or {},
                   "scope": scope or FlatScope(values, tables)}
        return _Evaluation(self_value, budget or Budget(), context).run(ast)
    except EvaluationError:
        raise
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError):
        # A tree the parser never makes (a stored definition edited by hand): refused, never a 500.
        raise EvaluationError("invalid") from None


class _Evaluation:
    def __init__(self, self_value: Value, budget: Budget, context: dict):
        self.self_value, self.budget = self_value, budget
        self.today, self.now, self.language, self.labels, self.columns, self.scope = (
            context[key] for key in ("today", "now", "language", "labels", "columns", "scope"))

    def run(self, node: list) -> Value:
        return self.budget.charge(self._value(node))

    def _value(self, node: list) -> Value:
        kind = node[0]
        if kind in _NODES:
            return _NODES[kind](self, node)
        left, right = self.run(node[1]), self.run(node[2])
        if kind in ("=", "!="):
            return _compare(left, right, lambda a, b: _equal(a, b) == (kind == "="))
        if kind in _RELATIONS:  # XPath 1.0: as numbers, and number() reads dates (spec §XPath Operators)
            relation = _RELATIONS[kind]
            return _compare(left, right, lambda a, b: relation(to_number(a), to_number(b)))  # NaN compares false
        return _ARITHMETIC[kind](to_number(left), to_number(right))


#: Nodes that are not a plain binary operator (and/or short-circuit, as in XPath).
_NODES: dict[str, Callable[[_Evaluation, list], Value]] = {
    "num": lambda e, node: float(node[1]),
    "str": lambda e, node: node[1],
    "ref": lambda e, node: e.scope.reference(node[1]),
    "self": lambda e, node: e.self_value,
    "col": lambda e, node: _column(e.columns, node[1]),
    "neg": lambda e, node: -to_number(e.run(node[1])),
    "call": lambda e, node: FUNCTIONS[node[1]](e, node[2:]),
    "or": lambda e, node: to_boolean(e.run(node[1])) or to_boolean(e.run(node[2])),
    "and": lambda e, node: to_boolean(e.run(node[1])) and to_boolean(e.run(node[2])),
}


def _column(columns: Mapping[str, Any], name: str) -> str:
    value = columns.get(name, "")
    return value if isinstance(value, str) else ""


def _compare(left: Value, right: Value, holds: Callable[[Value, Value], bool]) -> bool:
    """XPath 1.0 §3.4: against a boolean a node-set is its boolean(); otherwise the comparison holds when it
    holds for any node (for any pair of nodes between two node-sets)."""
    if not isinstance(left, Nodeset) and not isinstance(right, Nodeset):
        return holds(left, right)
    if isinstance(left, bool) or isinstance(right, bool):
        return holds(to_boolean(left), to_boolean(right))
    return any(holds(a, b) for a in nodes(left) for b in nodes(right))


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
