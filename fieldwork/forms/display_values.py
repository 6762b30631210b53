"""One stored answer as a person reads it on a page, by its question's type (contract v3's types included).

Numbers and dates as Colombians write them (fieldwork.text.i18n), a dateTime at its moment in the
programme's time zone, a place as "lat, lon (± N m)", a rank as its choices in the officer's order, a photo
as the photo when it has arrived. Anything stored by older code in another shape is shown as text, never
an error: a page must still show the visit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask_babel import format_time
from flask_babel import gettext as _

from fieldwork.forms.answer_limits import MAX_NUMBER
from fieldwork.text.i18n import day, moment, number

#: At most this many points of a trace or shape are written out on a page (the export has them all).
POINTS_SHOWN = 5


@dataclass(frozen=True)
class PhotoShown:
    """An image answer: its photo_id and, once the photo has arrived, its size (None before)."""

    photo_id: str
    width: int | None = None
    height: int | None = None

    @property
    def stored(self) -> bool:
        return self.width is not None


Formatted = str | list[str] | PhotoShown | None


def text_in(texts: Any, locale: str) -> str:
    return (texts.get(locale) or "") if isinstance(texts, dict) else str(texts or "")


def is_empty(value: Any) -> bool:
    return value is None or value in ("", [])


def formatted(question: dict[str, Any], value: Any, locale: str, photos: dict[str, tuple[int, int]]) -> Formatted:
    """What a page shows for `value`: a text, a list of texts (choices; a rank in its order) or a photo."""
    kind = question["type"]
    if kind in ("select_one", "select_multiple", "rank"):
        names = [value] if kind == "select_one" else value if isinstance(value, list) else str(value).split()
        labels = _choice_labels(question, names, locale)
        return labels[0] if kind == "select_one" else labels
    if kind == "image":
        size = photos.get(str(value))
        return PhotoShown(str(value), *size) if size else PhotoShown(str(value))
    shown = _FORMATS.get(kind)
    return shown(value) if shown else _text(value)


def _choice_labels(question: dict[str, Any], names: list[Any], locale: str) -> list[str]:
    labels = {c["name"]: text_in(c.get("label"), locale) for c in question.get("choices", [])}
    return [labels.get(str(name)) or str(name) for name in names]


def calculated_value(value: str) -> int | float | str | None:
    """A calculate's stored string: a number when it reads as a finite one, None for NaN (nothing to
    compute from), else the text as stored."""
    try:
        figure = float(value)
    except ValueError:
        return value
    if math.isnan(figure):
        return None
    if math.isinf(figure):
        return value
    return int(figure) if figure.is_integer() else figure


def _calculated(value: Any) -> str | None:
    value = calculated_value(str(value))
    return value if value is None or isinstance(value, str) else figure(value)


def figure(value: int | float) -> str:
    """A number as Colombians read it; one outside what an answer may hold (stored before the bound) as
    written, since babel's formatting fails on it and a page must still show the visit."""
    if math.isfinite(value) and abs(value) <= MAX_NUMBER:
        return number(value)
    return str(value)


def _number(value: Any) -> str:
    return figure(value) if _is_number(value) else _text(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _day(value: Any) -> str:
    try:
        return day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _time(value: Any) -> str:
    """"07:30:00" as the pages write times ("07:30"), seconds only when there are some."""
    try:
        parsed = time.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return format_time(parsed, "HH:mm:ss" if parsed.second else "HH:mm")


def _moment(value: Any) -> str:
    """A dateTime at its moment in the programme's time zone ("9 feb 2026, 15:15")."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return moment(parsed) if parsed.tzinfo is not None else str(value)


def place(point: Any) -> str:
    """"10.46310, -73.25320 (± 5 m)", as the visit's own location is written on the page."""
    if not isinstance(point, dict) or not _is_number(point.get("lat")) or not _is_number(point.get("lon")):
        return _text(point)
    text = f"{point['lat']:.5f}, {point['lon']:.5f}"
    accuracy = point.get("accuracy_m")
    if _is_number(accuracy) and math.isfinite(accuracy):
        text += f" (± {round(accuracy)} m)"
    return text


def _points(points: Any) -> str:
    if not isinstance(points, list):
        return _text(points)
    shown = "; ".join(place(point) for point in points[:POINTS_SHOWN])
    more = len(points) - POINTS_SHOWN
    return _("%(n)d puntos: %(points)s", n=len(points), points=shown) + (
        _(" y %(n)d más", n=more) if more > 0 else "")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


_FORMATS = {
    "calculate": _calculated, "integer": _number, "decimal": _number, "range": _number, "date": _day,
    "today": _day, "time": _time, "dateTime": _moment, "start": _moment, "end": _moment, "geopoint": place,
    "geotrace": _points, "geoshape": _points,
}
