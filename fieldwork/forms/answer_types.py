"""Each answered type's shape (API.md, "Forms"; forms-v3-spec §2): the stored value of an answer, or the
contract's message, and the value expressions read. The phone's twin is static/js/forms/answer-types.js.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from typing import Any

from fieldwork.forms import answer_places
from fieldwork.forms.answer_limits import MAX_TEXT_CHARS, js_number, limit_message
from fieldwork.forms.answer_places import is_number
from fieldwork.forms.messages import answer_message
from fieldwork.forms.xpath import Value

# ASCII digits only ([0-9], not \d: Python's \d takes any script's digits, the phone's does not).
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{3})?"
_TIME = re.compile(_CLOCK)
_DATE_TIME = re.compile(rf"([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})T{_CLOCK}(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])")
_PHOTO_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: The phone fills username from the officer's account: no account name is longer.
MAX_USERNAME_CHARS = 200
#: ODK's range when the form's parameters leave one out.
RANGE_DEFAULTS = {"start": 1, "end": 10, "step": 1}
_RANGE_TOLERANCE = 1e-9

Answer = tuple[Any, str | None]


def typed(question: dict[str, Any], raw: Any) -> Answer:
    """The answer in its stored type, or the type error the contract names."""
    return CONVERSIONS[question["type"]](raw, question)


def _choice_names(question: dict[str, Any]) -> list[str]:
    return [c["name"] for c in question.get("choices", [])]


def _kept_if(fits: Callable[[Any], bool], code: str) -> Callable[[Any, dict[str, Any]], Answer]:
    """A type whose answer is stored as sent when `fits` says it has the type's shape."""
    return lambda raw, question: (raw, None) if fits(raw) else (None, answer_message(code))


def is_calendar_date(text: Any) -> bool:
    """A "YYYY-MM-DD" that is a day of the calendar, from year 1 (both sides' calendars hold year 1 to 9999)."""
    match = isinstance(text, str) and _DATE.fullmatch(text)
    if not match:
        return False
    year, month, day = (int(part) for part in match.groups())
    return year >= 1 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def is_time(raw: Any) -> bool:
    return isinstance(raw, str) and _TIME.fullmatch(raw) is not None


def is_date_time(raw: Any) -> bool:
    """ISO 8601 with seconds and an offset: a moment anyone can place, wherever the phone was."""
    match = isinstance(raw, str) and _DATE_TIME.fullmatch(raw)
    return bool(match) and is_calendar_date(match.group(1))


def is_photo_id(raw: Any) -> bool:
    """A photo's id as the API writes it (a UUID, lowercase): the photo itself comes with the visit's photos."""
    return isinstance(raw, str) and _PHOTO_ID.fullmatch(raw) is not None


def _integer(raw: Any, question: dict[str, Any]) -> Answer:
    if is_number(raw) and float(raw).is_integer():
        return int(raw), None
    return None, answer_message("integer")


def _select_one(raw: Any, question: dict[str, Any]) -> Answer:
    return (raw, None) if isinstance(raw, str) and raw in _choice_names(question) else (None, answer_message("choice"))


def _select_multiple(raw: Any, question: dict[str, Any]) -> Answer:
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw) and set(raw) <= set(_choice_names(question)):
        return list(raw), None  # as sent, repeats included: the phone's expressions saw exactly this
    return None, answer_message("choice")


def _rank(raw: Any, question: dict[str, Any]) -> Answer:
    """Every choice exactly once, in the officer's order."""
    if (isinstance(raw, list) and all(isinstance(v, str) for v in raw) and len(set(raw)) == len(raw)
            and set(raw) == set(_choice_names(question))):
        return list(raw), None
    return None, answer_message("rank")


def _text(raw: Any, question: dict[str, Any]) -> Answer:
    if not isinstance(raw, str):
        return None, answer_message("text")
    if len(raw) > MAX_TEXT_CHARS:  # code points, as the phone counts them
        return None, limit_message("too_long")
    return raw, None  # as typed: spaces are an answer, as on the phone


def _username(raw: Any, question: dict[str, Any]) -> Answer:
    fits = isinstance(raw, str) and len(raw) <= MAX_USERNAME_CHARS
    return (raw, None) if fits else (None, answer_message("text"))


def range_parameters(question: dict[str, Any]) -> dict[str, float]:
    """start, end and step as numbers: ODK's default for any the form leaves out (or that is no number)."""
    given = question.get("parameters") or {}
    return {key: float(given[key]) if is_number(given.get(key)) else float(default)
            for key, default in RANGE_DEFAULTS.items()}


def _range(raw: Any, question: dict[str, Any]) -> Answer:
    """Between start and end, either order, on a step from start (1e-9 either way: a widget's start + i × step
    is a float); an integer when the range is all integers."""
    start, end, step = range_parameters(question).values()
    whole = all(n.is_integer() for n in (start, end, step))
    fits = (is_number(raw) and min(start, end) - _RANGE_TOLERANCE <= raw <= max(start, end) + _RANGE_TOLERANCE
            and (not whole or float(raw).is_integer()) and _on_step(raw - start, abs(step)))
    if not fits:
        return None, range_message(start, end, step)
    return (int(raw) if whole else raw), None


def _on_step(offset: float, step: float) -> bool:
    if step == 0:  # a form's range of one value
        return abs(offset) <= _RANGE_TOLERANCE
    steps = offset / step
    return abs(steps - round(steps)) <= _RANGE_TOLERANCE


def range_message(start: float, end: float, step: float) -> str:
    """The range's message with its bounds, numbers written as the phone writes them (the same words both sides)."""
    return answer_message("range", start=js_number(start), end=js_number(end), step=js_number(abs(step)))


CONVERSIONS: dict[str, Callable[[Any, dict[str, Any]], Answer]] = {
    "integer": _integer, "decimal": _kept_if(is_number, "decimal"), "range": _range,
    "date": _kept_if(is_calendar_date, "date"), "time": _kept_if(is_time, "time"),
    "dateTime": _kept_if(is_date_time, "datetime"),
    "select_one": _select_one, "select_multiple": _select_multiple, "rank": _rank, "text": _text,
    "geopoint": _kept_if(answer_places.is_point, "geopoint"), "geotrace": _kept_if(answer_places.is_trace, "geotrace"),
    "geoshape": _kept_if(answer_places.is_shape, "geoshape"), "image": _kept_if(is_photo_id, "image"),
    "acknowledge": _kept_if(lambda raw: raw == "OK", "acknowledge"),
    # Metadata the phone fills (start, end, today, username); deviceid and audit are not answered: dropped.
    "start": _kept_if(is_date_time, "datetime"), "end": _kept_if(is_date_time, "datetime"),
    "today": _kept_if(is_calendar_date, "date"), "username": _username,
}
#: The types an answer is kept for (notes only show text; calculates are computed; groups and repeats gather).
ANSWERED_TYPES = tuple(CONVERSIONS)


def xpath_value(question: dict[str, Any], value: Any) -> Value:
    """A reference's value (forms-v3-spec §2): numbers for integer/decimal/range; a select_multiple's or
    rank's names joined by one space; a geopoint's "lat lon altitude accuracy", a line's points joined by ";";
    else the text."""
    kind = question["type"]
    if kind in ("integer", "decimal", "range"):
        return float(value)
    if kind in ("select_multiple", "rank"):
        return " ".join(value)
    if kind == "geopoint":
        return answer_places.point_text(value)
    if kind in ("geotrace", "geoshape"):
        return answer_places.line_text(value)
    return value
