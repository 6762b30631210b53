"""Each answered type's shape (API.md, "Forms"): the stored value of an answer, or the contract's message,
and the value expressions read. The phone's twin is static/js/forms/answer-types.js.
"""
from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from fieldwork.forms.answer_limits import MAX_NUMBER, MAX_TEXT_CHARS, limit_message
from fieldwork.forms.messages import answer_message
from fieldwork.forms.xpath import Value

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def typed(question: dict[str, Any], raw: Any) -> tuple[Any, str | None]:
    """The answer in its stored type, or the type error the contract names."""
    return CONVERSIONS[question["type"]](raw, [c["name"] for c in question.get("choices", [])])


def _is_number(raw: Any) -> bool:
    """A finite number within ±10^15 (beyond is refused like any wrong type, API.md)."""
    return isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw) and abs(raw) <= MAX_NUMBER


def _integer(raw: Any, choices: list[str]) -> tuple[Any, str | None]:
    if _is_number(raw) and float(raw).is_integer():
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
    if len(raw) > MAX_TEXT_CHARS:  # code points, as the phone counts them
        return None, limit_message("too_long")
    return raw, None  # as typed: spaces are an answer, as on the phone


def _choice_error() -> str:
    return answer_message("choice")


CONVERSIONS = {"integer": _integer, "decimal": _decimal, "date": _date, "select_one": _select_one,
                "select_multiple": _select_multiple, "text": _text}
#: The types an officer answers (notes only show text; calculates are computed; groups only gather).
ANSWERED_TYPES = tuple(CONVERSIONS)



def xpath_value(question: dict[str, Any], value: Any) -> Value:
    """A reference's value (contract): numbers for integer/decimal, names joined by one space for select_multiple."""
    if question["type"] in ("integer", "decimal"):
        return float(value)
    if question["type"] == "select_multiple":
        return " ".join(value)
    return value
