"""Checks a visit's answers against the form version it was filled in: what the phone checked, again.

The walk is API.md's forms paragraph, step for step with static/js/forms/validate.js, so that the phone and
the server reach the same verdict: the size of the whole (answer_limits), types first, then in form order
relevance (a question inside a non-relevant group is not relevant), calculates, required, constraints.
The expressions share one budget; one that fails stops the walk with its reason under `answers.<name>`
of the question (or group, or calculate) it belongs to: a rejection of this visit, never an exception.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from fieldwork.forms import answer_types
from fieldwork.forms.answer_limits import MAX_ANSWERS_BYTES, MAX_TEXT_CHARS, json_size, limit_message
from fieldwork.forms.answer_types import ANSWERED_TYPES
from fieldwork.forms.messages import answer_message
from fieldwork.forms.xpath import Budget, EvaluationError, Value, evaluate, to_boolean, to_string


class _Stopped(Exception):
    """An expression of item `name` failed (`reason`: an answer_limits code); the walk ends there."""

    def __init__(self, name: str, reason: str):
        super().__init__(reason)
        self.name, self.reason = name, reason


def validate_answers(definition: dict[str, Any], answers: Any, visit_day: date, now: str = ""
                     ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The answers to keep (non-relevant dropped, calculates computed) and the errors under `answers.<name>`.

    today() is `visit_day`, now() is `now` (the visit's visited_at in the programme's zone, with its offset,
    milliseconds included: what the phone's walk reads from the same visit). format-date()'s names and
    jr:choice-name()'s labels are in `definition["language"]` (es when absent), the language its labels
    were localized to: the officer's own, the page's language on the phone (visit_answers.py).
    """
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        return {}, {"answers": [answer_message("not_object")]}
    if json_size(answers) > MAX_ANSWERS_BYTES:
        return {}, {"answers": [limit_message("too_large")]}  # before any work on them
    by_name = {q["name"]: q for q in definition["questions"] if q["type"] not in ("begin_group", "end_group")}
    errors: dict[str, list[str]] = {}
    for name in answers:
        if name not in by_name or by_name[name]["type"] == "note":
            errors[f"answers.{name}"] = [answer_message("unknown")]
    # Expressions read the answers that fit their type (a calculate is computed here, whatever was sent).
    typed: dict[str, Any] = {}
    for name, raw in answers.items():
        if name in by_name and by_name[name]["type"] in ANSWERED_TYPES and not _is_empty(raw):
            value, problem = answer_types.typed(by_name[name], raw)
            typed[name] = (value, problem)
    values: dict[str, Value] = {name: answer_types.xpath_value(by_name[name], value)
                                for name, (value, problem) in typed.items() if problem is None}
    try:
        moment = {"today": visit_day.isoformat(), "now": now, "language": definition.get("language", "es"),
                  "labels": _labels(definition["questions"])}
        clean = _Walk(typed, values, moment).run(definition["questions"], errors)
    except _Stopped as stopped:
        errors[f"answers.{stopped.name}"] = [limit_message(stopped.reason)]
        return {}, errors
    if json_size(clean) > MAX_ANSWERS_BYTES:  # calculates add to what was sent
        errors["answers"] = [limit_message("too_large")]
    return clean, errors


class _Walk:
    """The form-order walk; every expression draws on one Budget for the whole visit."""

    def __init__(self, typed: dict[str, tuple[Any, str | None]], values: dict[str, Value], moment: dict[str, Any]):
        self.typed, self.values, self.moment, self.budget = typed, values, moment, Budget()

    def evaluate(self, name: str, ast: list, self_value: Value = "") -> Value:
        moment = self.moment
        try:
            return evaluate(ast, self.values, self_value, moment["today"], self.budget, now=moment["now"],
                            language=moment["language"], labels=moment["labels"])
        except EvaluationError as failed:
            raise _Stopped(name, failed.reason) from None

    def run(self, items: list[dict[str, Any]], errors: dict[str, list[str]]) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        values = self.values
        groups: list[bool] = []  # is each enclosing group relevant
        for item in items:
            kind, name, ast = item["type"], item["name"], item.get("ast", {})
            if kind == "end_group":
                groups.pop()
                continue
            relevant = all(groups) and ("relevant" not in ast or to_boolean(self.evaluate(name, ast["relevant"])))
            if kind == "begin_group":
                groups.append(relevant)
            elif not relevant:
                values[name] = ""  # later expressions see it unanswered; its answer, even a malformed one, is dropped
            elif kind == "calculate":
                values[name] = to_string(self.evaluate(name, ast["calculation"]))
                if len(values[name]) > MAX_TEXT_CHARS:
                    raise _Stopped(name, "calculation_too_long")
                if values[name] != "":
                    clean[name] = values[name]
            elif kind in ANSWERED_TYPES:
                message = self.answer_error(item)
                if message:
                    errors[f"answers.{name}"] = [message]
                elif name in self.typed:
                    clean[name] = self.typed[name][0]
        return clean

    def answer_error(self, question: dict[str, Any]) -> str | None:
        """required, then the type, then the constraint: the first that fails."""
        typed = self.typed.get(question["name"])
        if typed is None:
            if question.get("required"):
                return question.get("required_message") or answer_message("required")
            return None
        if typed[1] is not None:
            return typed[1]
        constraint = question.get("ast", {}).get("constraint")
        if constraint is not None and not to_boolean(
                self.evaluate(question["name"], constraint, self.values[question["name"]])):
            return question.get("constraint_message") or answer_message("constraint")
        return None


def _labels(questions: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """{question: {choice: label}} for jr:choice-name(); groups are items of the same flat list."""
    return {q["name"]: {c["name"]: c["label"] for c in q["choices"]} for q in questions if q.get("choices")}


def _is_empty(raw: Any) -> bool:
    return raw is None or raw in ("", [])
