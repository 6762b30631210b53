"""The shared expression corpus: each case parsed by the server's grammar, ready for either evaluator.

The Playwright test of the browser evaluator imports `cases_with_ast()` and sends each AST to the page,
so both evaluators read exactly the trees the server produces.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from fieldwork.forms.expressions import ExpressionError, parse

CORPUS = Path(__file__).with_name("expression_cases.json")
DEFAULT_TODAY = "2026-03-02"


def load_cases() -> list[dict[str, Any]]:
    return json.loads(CORPUS.read_text(encoding="utf-8"))


def cases_with_ast() -> list[dict[str, Any]]:
    """Every case that parses, with its "ast" (cases expecting a parse error are left out)."""
    cases = []
    for case in load_cases():
        if case["expect"] != {"error": "parse"}:
            cases.append({**case, "ast": parse(case["expr"])})
    return cases


def xpath_value(raw: Any) -> str | float | bool:
    """A corpus value as the evaluator sees it: a list is a select_multiple, a number a float, null ''."""
    if raw is None:
        return ""
    if isinstance(raw, list):
        return " ".join(raw)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return float(raw)
    return raw


def matches(result: Any, expect: Any) -> bool:
    """Same type and same value; {"nan": true} means NaN."""
    if expect == {"nan": True}:
        return isinstance(result, float) and math.isnan(result)
    if isinstance(expect, bool):
        return result is expect
    if isinstance(expect, int | float):
        return isinstance(result, float) and result == expect
    return isinstance(result, str) and result == expect


__all__ = ["DEFAULT_TODAY", "ExpressionError", "cases_with_ast", "load_cases", "matches", "xpath_value"]
