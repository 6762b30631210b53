"""Checks a visit's answers against the form version it was filled in: what the phone checked, again.

The walk is the contract's Validation paragraph (COMMON.md), step for step, so that the browser's
module and this one reach the same verdict: types first, then in form order relevance (a question
inside a non-relevant group is not relevant), calculates, required, constraints.
"""
from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from fieldwork.forms.messages import answer_message
from fieldwork.forms.subset import ANSWERED_TYPES
from fieldwork.forms.xpath import Value, evaluate, to_boolean, to_string

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: API.md's limits on answers: a number beyond ±10^15 is a wrong type (babel cannot format it, and no
#: programme counts past a thousand billion); texts and the whole visit are bounded so one visit stays cheap
#: to store, show and export.
MAX_NUMBER = 10**15
MAX_TEXT_CHARS = 10_000
MAX_ANSWERS_BYTES = 256 * 1024


def validate_answers(definition: dict[str, Any], answers: Any, visit_day: date
                     ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The answers to keep (non-relevant dropped, calculates computed) and the errors under `answers.<name>`."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        return {}, {"answers": [answer_message("not_object")]}
    by_name = {q["name"]: q for q in definition["questions"] if q["type"] not in ("begin_group", "end_group")}
    errors: dict[str, list[str]] = {}
    for name in answers:
        if name not in by_name or by_name[name]["type"] == "note":
            errors[f"answers.{name}"] = [answer_message("unknown")]
    # Expressions read the answers that fit their type (a calculate is computed here, whatever was sent).
    typed: dict[str, Any] = {}
    for name, raw in answers.items():
        if name in by_name and by_name[name]["type"] in ANSWERED_TYPES and not _is_empty(raw):
            value, problem = _typed(by_name[name], raw)
            typed[name] = (value, problem)
    values: dict[str, Value] = {name: _xpath_value(by_name[name], value)
                                for name, (value, problem) in typed.items() if problem is None}
    clean = _walk(definition["questions"], typed, values, visit_day.isoformat(), errors)
    return clean, errors


def _walk(items: list[dict[str, Any]], typed: dict[str, tuple[Any, str | None]], values: dict[str, Value],
          today: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    groups: list[bool] = []  # is each enclosing group relevant
    for item in items:
        kind, name, ast = item["type"], item["name"], item.get("ast", {})
        if kind == "end_group":
            groups.pop()
            continue
        relevant = all(groups) and ("relevant" not in ast or to_boolean(evaluate(ast["relevant"], values, "", today)))
        if kind == "begin_group":
            groups.append(relevant)
        elif not relevant:
            values[name] = ""  # later expressions see it unanswered; its answer, even a malformed one, is dropped
        elif kind == "calculate":
            values[name] = to_string(evaluate(ast["calculation"], values, "", today))
            if values[name] != "":
                clean[name] = values[name]
        elif kind in ANSWERED_TYPES:
            message = _answer_error(item, typed.get(name), values, today)
            if message:
                errors[f"answers.{name}"] = [message]
            elif name in typed:
                clean[name] = typed[name][0]
    return clean


def _answer_error(question: dict[str, Any], typed: tuple[Any, str | None] | None, values: dict[str, Value],
                  today: str) -> str | None:
    """required, then the type, then the constraint: the first that fails."""
    if typed is None:
        if question.get("required"):
            return question.get("required_message") or answer_message("required")
        return None
    if typed[1] is not None:
        return typed[1]
    constraint = question.get("ast", {}).get("constraint")
    if constraint is not None and not to_boolean(evaluate(constraint, values, values[question["name"]], today)):
        return question.get("constraint_message") or answer_message("constraint")
    return None


def _is_empty(raw: Any) -> bool:
    return raw is None or raw in ("", [])


def _typed(question: dict[str, Any], raw: Any) -> tuple[Any, str | None]:
    """The answer in its stored type, or the type error the contract names."""
    return _CONVERSIONS[question["type"]](raw, [c["name"] for c in question.get("choices", [])])


def _is_number(raw: Any) -> bool:
    return isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw)


def _integer(raw: Any, choices: list[str]) -> tuple[Any, str | None]:
    if _is_number(raw) and float(raw).is_integer() and abs(raw) < 2**53:
        return int(raw), None
    return None, answer_message("integer")


def _decimal(raw: Any, choices: list[str]) -> tuple[Any, str | None]:
    return (raw, None) if _is_number(raw) else (None, answer_message("decimal"))


def _date(raw: Any, choices: list[str]) -> tuple[Any, str | None]:
    if isinstance(raw, str) and _DATE.fullmatch(raw):
        try:
            date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            return raw, None
    return None, answer_message("date")


def _select_one(raw: Any, choices: list[str]) -> tuple[Any, str | None]:
    return (raw, None) if isinstance(raw, str) and raw in choices else (None, _choice_error())


def _select_multiple(raw: Any, choices: list[str]) -> tuple[Any, str | None]:
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw) and set(raw) <= set(choices):
        return list(raw), None  # as sent, repeats included: the phone's expressions saw exactly this
    return None, _choice_error()


def _text(raw: Any, choices: list[str]) -> tuple[Any, str | None]:
    if not isinstance(raw, str):
        return None, answer_message("text")
    return raw, None  # as typed: spaces are an answer, as on the phone


def _choice_error() -> str:
    return answer_message("choice")


_CONVERSIONS = {"integer": _integer, "decimal": _decimal, "date": _date, "select_one": _select_one,
                "select_multiple": _select_multiple, "text": _text}


def _xpath_value(question: dict[str, Any], value: Any) -> Value:
    """A reference's value (contract): numbers for integer/decimal, names joined by one space for select_multiple."""
    if question["type"] in ("integer", "decimal"):
        return float(value)
    if question["type"] == "select_multiple":
        return " ".join(value)
    return value
