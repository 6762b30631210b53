"""Checks a visit's answers against the form version it was filled in: what the phone checked, again.

The walk is API.md's forms paragraph (and forms-v3 §4), step for step with static/js/forms/validate.js, so
that the phone and the server reach the same verdict: the size of the whole (answer_limits), types first, then
in form order, instance by instance (answers_walk), relevance, calculates, required, choice filters,
constraints. The expressions share one budget; one that fails stops the walk with its reason under
`answers.<path>` of the item it belongs to: a rejection of this visit, never an exception.
"""
from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from fieldwork.forms.answer_limits import MAX_ANSWERS_BYTES, json_size, limit_message
from fieldwork.forms.answers_walk import MAX_INSTANCES, Walk
from fieldwork.forms.messages import answer_message

__all__ = ["MAX_INSTANCES", "Judged", "judge_answers", "validate_answers"]


class Judged(NamedTuple):
    """One walk's verdict on a visit's answers."""

    kept: dict[str, Any]  # what to store: non-relevant answers dropped, calculates computed
    errors: dict[str, list[str]]  # under `answers.<path>`
    title: str  # instance_name's value, as the phone shows it ('' when the form has none or it cannot be had)


def judge_answers(definition: dict[str, Any], answers: Any, visit_day: date, now: str = "") -> Judged:
    """The answers to keep, the errors and the visit's title, from one walk.

    today() is `visit_day`, now() is `now` (the visit's visited_at in the programme's zone, with its offset,
    milliseconds included: what the phone's walk reads from the same visit). format-date()'s names and
    jr:choice-name()'s labels are in `definition["language"]` (es when absent), the language its labels
    were localized to: the officer's own, the page's language on the phone (visit_answers.py). pulldata()
    reads `definition["tables"]`. The title is instance_name computed over the answers after the walk.
    """
    walk, refusal = _walk(definition, answers, visit_day, now)
    if walk is None:
        return Judged({}, refusal, "")
    kept = walk.judge(answers or {})
    # A stopped walk computed nothing that is the visit's.
    return Judged(kept, walk.errors, "" if walk.stopped else walk.title())


def validate_answers(definition: dict[str, Any], answers: Any, visit_day: date, now: str = ""
                     ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The answers to keep and the errors under `answers.<path>` (judge_answers without the title)."""
    kept, errors, _title = judge_answers(definition, answers, visit_day, now)
    return kept, errors


def _walk(definition: dict[str, Any], answers: Any, visit_day: date, now: str
          ) -> tuple[Walk | None, dict[str, list[str]]]:
    if answers is not None and not isinstance(answers, dict):
        return None, {"answers": [answer_message("not_object")]}
    if json_size(answers or {}) > MAX_ANSWERS_BYTES:
        return None, {"answers": [limit_message("too_large")]}  # before any work on them
    return Walk(definition, visit_day, now), {}
