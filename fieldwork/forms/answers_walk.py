"""The form-order walk of a visit's answers, repeats included (forms-v3 §4), step for step with
static/js/forms/validate.js: the same verdict, the same messages under the same keys.

Paths: a top-level item's is its name; inside repeats `products[2].units`, nested `products[2].sizes[1].qty`.
Instance by instance, depth first: relevance (inside a non-relevant group or repeat nothing is), calculates,
then for an answered question required, its type, a choice_filter, its constraint. Every expression draws on
one Budget for the whole visit and runs in the context of its instance (xpath_document).
"""
from __future__ import annotations

import math
from datetime import date
from typing import Any

from fieldwork.forms import answer_types
from fieldwork.forms.answer_limits import MAX_ANSWERS_BYTES, MAX_TEXT_CHARS, json_size, limit_message
from fieldwork.forms.answer_types import ANSWERED_TYPES
from fieldwork.forms.messages import answer_message
from fieldwork.forms.xpath import Budget, EvaluationError, Value, evaluate, to_boolean, to_number, to_string
from fieldwork.forms.xpath_document import Context, Document, Node, in_order, outline, prefix

#: At most this many instances in one repeat's list (forms-v3 §2); a repeat_count is capped there too.
MAX_INSTANCES = 200
#: Repeats nested deeper than this are not walked (the walk recurses once per level, as the phone's does):
#: answers inside one stop the walk as an expression that cannot be computed would.
MAX_DEPTH = 30
_MARKERS = ("begin_group", "end_group")


class Stopped(Exception):
    """An expression of the item at `path` failed (`reason`: an answer_limits code); the walk ends there."""

    def __init__(self, path: str, reason: str):
        super().__init__(reason)
        self.path, self.reason = path, reason


class Walk:
    """One visit's walk over one definition (its questions, tables and instance_name)."""

    def __init__(self, definition: dict[str, Any], visit_day: date, now: str):
        questions = definition.get("questions") or []
        self.tree = outline(questions)
        self.document = Document(questions, definition.get("tables"))
        self.title_ast = definition.get("instance_name_ast")
        self.moment = {"today": visit_day.isoformat(), "now": now, "language": definition.get("language", "es"),
                       "labels": _labels(self.tree)}
        self.budget = Budget()
        self.typed: dict[str, tuple[Any, str | None]] = {}  # path → (stored value, type error)
        self.lists: dict[str, tuple[list[dict[str, Any]], str | None]] = {}  # repeat path → (instances, shape error)
        self.errors: dict[str, list[str]] = {}
        self.stopped = False

    def judge(self, answers: dict[str, Any]) -> dict[str, Any]:
        """What is kept; `errors` holds the refusals (and a failed expression's, the walk stopped: nothing kept)."""
        self.load(self.tree, answers, ())
        try:
            clean = self.level(self.tree, (), True)
        except Stopped as stopped:
            self.errors[f"answers.{stopped.path}"] = [limit_message(stopped.reason)]
            self.stopped = True
            return {}
        if json_size(clean) > MAX_ANSWERS_BYTES:  # calculates add to what was sent
            self.errors["answers"] = [limit_message("too_large")]
        return clean

    def title(self) -> str:
        """instance_name's value after the walk ('' when the form has none or it cannot be computed)."""
        if self.title_ast is None:
            return ""
        try:
            return to_string(self.evaluate(self.title_ast, ()))
        except EvaluationError:
            return ""

    def load(self, nodes: list[Node], holder: dict[str, Any], context: Context) -> None:
        """Before the walk, what expressions read: every answer that fits its type, every well-formed list's
        instances; a name the level does not have is refused wherever it is."""
        level = {node.item.get("name"): node for node in nodes if node.kind not in _MARKERS}
        for name, raw in holder.items():
            node, path = level.get(name), prefix(context) + name
            if node is None or node.kind == "note":
                self.errors[f"answers.{path}"] = [answer_message("unknown")]
            elif node.kind == "repeat":
                instances, problem = _instances(raw)
                if len(context) >= MAX_DEPTH and instances:
                    instances, problem = [], "too_deep"
                self.lists[path] = (instances, problem)
                self.document.counts[path] = len(instances)
                for index, instance in enumerate(instances, 1):
                    self.load(node.children, instance, (*context, (name, index)))
            elif node.kind in ANSWERED_TYPES and not _is_empty(raw):
                self.typed[path] = answer_types.typed(node.item, raw)
                if self.typed[path][1] is None:
                    self.document.values[path] = answer_types.xpath_value(node.item, self.typed[path][0])

    def evaluate(self, ast: list, context: Context, self_value: Value = "", columns: dict | None = None) -> Value:
        moment = self.moment
        return evaluate(ast, {}, self_value, moment["today"], self.budget, now=moment["now"],
                        language=moment["language"], labels=moment["labels"], columns=columns,
                        scope=self.document.scope(context))

    def run(self, path: str, ast: list, context: Context, self_value: Value = "", columns: dict | None = None) -> Value:
        try:
            return self.evaluate(ast, context, self_value, columns)
        except EvaluationError as failed:
            raise Stopped(path, failed.reason) from None

    def level(self, nodes: list[Node], context: Context, relevant: bool) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        groups: list[bool] = []  # is each enclosing group of this level relevant
        for node in nodes:
            item, kind = node.item, node.kind
            if kind == "end_group":
                if groups:
                    groups.pop()
                continue
            name = item.get("name")
            path, ast = prefix(context) + name, item.get("ast") or {}
            here = relevant and all(groups) and ("relevant" not in ast or to_boolean(self.run(path, ast["relevant"],
                                                                                              context)))
            if kind == "begin_group":
                groups.append(here)
            elif kind == "repeat":
                kept = self.repeat(node, path, context, here)
                if kept:
                    clean[name] = kept
            elif not here:
                self.document.values[path] = ""  # later expressions read it unanswered; its answer is dropped
            elif kind == "calculate":
                value = self.calculate(path, ast, context)
                if value != "":
                    clean[name] = value
            elif kind in ANSWERED_TYPES:
                message = self.answer_error(item, path, context)
                if message:
                    self.errors[f"answers.{path}"] = [message]
                elif path in self.typed:
                    clean[name] = self.typed[path][0]
        return clean

    def calculate(self, path: str, ast: dict[str, Any], context: Context) -> str:
        value = to_string(self.run(path, ast["calculation"], context)) if "calculation" in ast else ""
        self.document.values[path] = value
        if len(value) > MAX_TEXT_CHARS:
            raise Stopped(path, "calculation_too_long")
        return value

    def repeat(self, node: Node, path: str, context: Context, relevant: bool) -> list[dict[str, Any]]:
        """The kept instances of a relevant repeat (a non-relevant one is dropped whole: no instances to read)."""
        instances, problem = self.lists.get(path, ([], None))
        if not relevant:
            self.document.counts[path] = 0
            return []
        if problem == "too_deep":
            raise Stopped(path, "invalid")
        if problem is not None:
            self.errors[f"answers.{path}"] = [answer_message(problem)]
        ast = node.item.get("ast") or {}
        if "repeat_count" in ast:
            wanted = _instance_count(self.run(path, ast["repeat_count"], context))
            if problem is None and len(instances) != wanted:
                self.errors[f"answers.{path}"] = [answer_message("repeat_count")]
        name = node.item.get("name")
        return [self.level(node.children, (*context, (name, index)), True) for index in range(1, len(instances) + 1)]

    def answer_error(self, question: dict[str, Any], path: str, context: Context) -> str | None:
        """required, then the type, then a choice_filter, then the constraint: the first that fails."""
        typed = self.typed.get(path)
        if typed is None:
            if question.get("required"):
                return question.get("required_message") or answer_message("required")
            return None
        if typed[1] is not None:
            return typed[1]
        ast = question.get("ast") or {}
        if "choice_filter" in ast:
            choices = {c.get("name"): c for c in question.get("choices") or []}
            for chosen in typed[0] if isinstance(typed[0], list) else [typed[0]]:
                if not to_boolean(self.run(path, ast["choice_filter"], context, columns=_columns(choices[chosen]))):
                    return answer_message("choice")
        if "constraint" in ast and not to_boolean(self.run(path, ast["constraint"], context,
                                                           self.document.values[path])):
            return question.get("constraint_message") or answer_message("constraint")
        return None


def _instances(raw: Any) -> tuple[list[dict[str, Any]], str | None]:
    """A repeat's instances, or none and why: not a list of objects, or more than MAX_INSTANCES."""
    if _is_empty(raw):
        return [], None
    if not isinstance(raw, list) or not all(isinstance(instance, dict) for instance in raw):
        return [], "repeat_list"
    if len(raw) > MAX_INSTANCES:
        return [], "repeat_too_many"
    return raw, None


def _instance_count(value: Value) -> int:
    """A repeat_count's value as a number of instances: floored, NaN or negative 0, at most MAX_INSTANCES."""
    number = to_number(value)
    return 0 if math.isnan(number) or number < 0 else int(math.floor(min(number, MAX_INSTANCES)))


def _columns(choice: dict[str, Any]) -> dict[str, Any]:
    """What a choice_filter's bare names read: the choice's extra columns, its name and label."""
    return {**(choice.get("columns") or {}), "name": choice.get("name"), "label": choice.get("label")}


def _labels(tree: list[Node]) -> dict[str, dict[str, str]]:
    """{question: {choice: label}} for jr:choice-name(), inside repeats too."""
    return {node.item["name"]: {c["name"]: c["label"] for c in node.item["choices"]}
            for node, _repeats in in_order(tree) if node.item.get("choices")}


def _is_empty(raw: Any) -> bool:
    return raw is None or raw in ("", [])
