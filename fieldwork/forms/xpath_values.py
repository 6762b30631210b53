"""XPath values (str, float, bool, and the node-sets a reference into repeats yields), their conversions and
the evaluation budget, as the ODK XForms spec extends XPath 1.0: number() of a date or dateTime text is its
days from 1970-01-01 (xpath_dates).

static/js/forms/xpath-values.js does the same, case for case; every choice JavaScript would make differently
by default (number parsing, string(n), -0) is spelled out here.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

from fieldwork.forms.xpath_dates import date_days


class Nodeset(tuple):
    """The values of the nodes a reference reaches in document order ('' for an unanswered one): ${x} read
    across repeat instances (forms-v3 §3). XPath 1.0 §4: string() and number() read its first node, boolean()
    whether it has any."""

    __slots__ = ()


Value = str | float | bool | Nodeset

#: XPath 1.0's Number production, matched whole, ASCII digits only, optional surrounding whitespace:
#: no exponent, no '+', no 'Infinity' (all of which JavaScript's Number() would accept).
_NUMBER = re.compile(r"[ \t\r\n]*-?([0-9]+(\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*")
#: XML's whitespace, which separates a select_multiple's choices and which normalize-space() collapses.
WHITESPACE = re.compile(r"[ \t\r\n]+")
NAN = float("nan")
#: A visit's budget. Each expression runs at most once in a walk, so a form whose expressions total fewer
#: nodes than MAX_STEPS never meets it (a 2,000-row form at 20 nodes a row needs 40,000); 100,000 steps take
#: about 0.4 s. What the character budget stops is a text copied over and over.
MAX_STEPS = 100_000
MAX_CHARS = 2_000_000


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
        elif isinstance(value, Nodeset):  # a step and the characters of every node: 200 × 200 instances cost
            self.steps -= len(value)
            self.chars -= sum(len(node) for node in value if isinstance(node, str))
        if self.steps < 0 or self.chars < 0:
            raise EvaluationError("budget")
        return value

    def ensure(self, chars: float) -> None:
        """Refuse, before building it, a text longer than the characters left (uuid(n))."""
        if chars > self.chars:
            raise EvaluationError("budget")


def first(value: Value) -> Value:
    """A node-set's first node ('' when empty); any other value as it is."""
    if isinstance(value, Nodeset):
        return value[0] if value else ""
    return value


def nodes(value: Value) -> tuple[Value, ...]:
    """The nodes of a node-set, or the one value of anything else."""
    return value if isinstance(value, Nodeset) else (value,)


def to_number(value: Value) -> float:
    if isinstance(value, Nodeset):
        return to_number(value[0]) if value else NAN
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float | int):
        return float(value)
    if _NUMBER.fullmatch(value):
        return float(value)
    days = date_days(value)
    return NAN if days is None else days


def to_string(value: Value) -> str:
    value = first(value)
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
    if isinstance(value, Nodeset):
        return len(value) > 0
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value != ""
    return value != 0 and not math.isnan(value)


def tokens(value: Value) -> list[str]:
    """The choice names of a select_multiple value: separated by whitespace, empties ignored."""
    return [t for t in WHITESPACE.split(to_string(value)) if t]
