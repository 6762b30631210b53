"""The library's functions that read node-sets or the visit's document (forms-v3 §3; getodk/xforms-spec
§XPath Functions: Node-set, Number and Repeat Functions): count(), count-non-empty(), sum(), max(), min(),
join(), position(..), indexed-repeat() and pulldata(). Part of xpath_library.FUNCTIONS; the phone's twins are
in static/js/forms/xpath-library.js.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fieldwork.forms import xpath_numbers as numbers
from fieldwork.forms.xpath_values import NAN, Nodeset, Value, nodes, to_number, to_string

Evaluation = Any  # fieldwork.forms.xpath._Evaluation


def _number(e: Evaluation, node: list) -> float:
    return to_number(e.run(node))


def _text(e: Evaluation, node: list) -> str:
    return to_string(e.run(node))


def _all_nodes(e: Evaluation, args: list) -> list[Value]:
    """The arguments' values, a node-set's nodes each in its place (max(), min(), join(): spec, XPath 3.0)."""
    return [node for arg in args for node in nodes(e.run(arg))]


def _extreme(larger: bool) -> Callable[[Evaluation, list], float]:
    def extreme(e: Evaluation, args: list) -> float:
        values = [to_number(node) for node in _all_nodes(e, args)]
        return numbers.extreme(values, larger=larger) if values else NAN  # of no nodes at all: NaN
    return extreme


def _join(e: Evaluation, args: list) -> str:
    separator = _text(e, args[0])
    return separator.join(to_string(node) for node in _all_nodes(e, args[1:]))


def _count(e: Evaluation, args: list) -> float:
    value = e.run(args[0])  # the parser lets only ${name} through: a question outside repeats is one node
    return float(len(value)) if isinstance(value, Nodeset) else 1.0


def _count_non_empty(e: Evaluation, args: list) -> float:
    return float(sum(1 for node in nodes(e.run(args[0])) if to_string(node) != ""))


def _sum(e: Evaluation, args: list) -> float:
    total = 0.0
    for node in nodes(e.run(args[0])):
        total += to_number(node)  # left to right, as JavaScript adds (Python's sum() compensates)
    return total


def _indexed_repeat(e: Evaluation, args: list) -> Value:
    """indexed-repeat(${q}, ${repeat1}, n1, …): the references are names, not values; the indexes run left to right."""
    pairs = [(args[at][1], _number(e, args[at + 1])) for at in range(1, len(args), 2)]
    return e.scope.indexed(args[0][1], pairs)


def _pulldata(e: Evaluation, args: list) -> str:
    """pulldata('stem', 'column', 'key column', key): `column` of the first row whose key column is `key`."""
    stem, column, key_column, key = (_text(e, node) for node in args)
    table = e.scope.tables.get(stem)
    if not isinstance(table, dict):
        return ""
    columns = table.get("columns") or []
    if column not in columns or key_column not in columns:
        return ""
    rows = e.scope.lookups.get((stem, key_column))
    if rows is None:  # indexed once per visit: a calculate in each of 200 instances reads it 200 times
        at, rows = columns.index(key_column), {}
        for row in table.get("rows") or []:
            rows.setdefault(_cell(row, at), row)
        e.scope.lookups[(stem, key_column)] = rows
    return _cell(rows[key], columns.index(column)) if key in rows else ""


def _cell(row: Any, at: int) -> str:
    return row[at] if isinstance(row, list) and at < len(row) and isinstance(row[at], str) else ""


NODESET_FUNCTIONS: dict[str, Callable[[Evaluation, list], Value]] = {
    "max": _extreme(larger=True),
    "min": _extreme(larger=False),
    "join": _join,
    "position": lambda e, a: e.scope.position(),  # position(..): the parser allows no other argument
    "indexed-repeat": _indexed_repeat,
    "count": _count,
    "count-non-empty": _count_non_empty,
    "sum": _sum,
    "pulldata": _pulldata,
}
