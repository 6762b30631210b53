"""How each answered type becomes export columns: (header, label, what its values mean, cell of an answers object).

One place for the CSV/XLSX exports of the visit and of each repeat's instances. Cells hold what a spreadsheet
can sort and sum: numbers as numbers, a date as a date; a time or dateTime as the text stored (its offset kept,
which a spreadsheet date cell would lose); a geopoint split into numbers; a trace or shape as its points'
text ("lat lon altitude accuracy;…", as ODK writes them); a rank as its choice names in order.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import gettext as _

from fieldwork.forms.display_values import calculated_value
from fieldwork.forms.outline import Repeat, answered

Cell = Callable[[dict[str, Any]], Any]
GEO_PARTS = (("latitude", "lat"), ("longitude", "lon"), ("altitude", "altitude"), ("accuracy", "accuracy_m"))
DATES = ("date", "today")


def column_specs(items: list[dict[str, Any] | Repeat], locale: str, photo_link: Callable[[str], str] | None
                 ) -> dict[str, tuple[str, str, Cell]]:
    """Each column of one level of one version: {header: (label, values, cell)}, in form order."""
    columns: dict[str, tuple[str, str, Cell]] = {}
    for question in answered(items):
        kind, name = question["type"], question["name"]
        label = _text(question.get("label"), locale) or name
        choices = [(choice["name"], _text(choice.get("label"), locale) or choice["name"])
                   for choice in question.get("choices", [])]
        if kind == "select_multiple":
            for value, choice_label in choices:
                columns[f"{name}/{value}"] = (f"{label}: {choice_label}", "", _chosen(name, value))
        elif kind == "geopoint":
            parts = {"latitude": _("latitud"), "longitude": _("longitud"), "altitude": _("altitud"),
                     "accuracy": _("precisión (m)")}
            for header, key in GEO_PARTS:
                columns[f"{name}/{header}"] = (f"{label}: {parts[header]}", "", _geo_part(name, key))
        elif kind == "image":
            columns[name] = (label, _("Identificador de la foto"), _value(name, kind))
            if photo_link is not None:
                columns[f"{name}/url"] = (f"{label}: {_('enlace a la foto')}", "", _photo(name, photo_link))
        elif kind == "calculate":
            columns[name] = (f"{label} ({_('calculado')})",
                             _("Calculado: %(expression)s", expression=question.get("calculation", "")),
                             _value(name, kind))
        else:
            values = "; ".join(f"{value} = {choice_label}" for value, choice_label in choices)
            columns[name] = (label, values, _value(name, kind))
    return columns


def _text(texts: Any, locale: str) -> str:
    return (texts.get(locale) or "") if isinstance(texts, dict) else str(texts or "")


def _chosen(name: str, choice: str) -> Cell:
    """1 when the choice was ticked, 0 when the question was answered without it, empty when unanswered."""
    def cell(answers: dict[str, Any]) -> int | None:
        picked = answers.get(name)
        if not picked:
            return None
        return int(choice in (picked if isinstance(picked, list) else str(picked).split()))
    return cell


def _geo_part(name: str, key: str) -> Cell:
    def cell(answers: dict[str, Any]) -> float | None:
        point = answers.get(name)
        value = point.get(key) if isinstance(point, dict) else None
        return value if _is_number(value) else None
    return cell


def _photo(name: str, link: Callable[[str], str]) -> Cell:
    def cell(answers: dict[str, Any]) -> str | None:
        photo_id = answers.get(name)
        return link(photo_id) if isinstance(photo_id, str) and photo_id else None
    return cell


def _value(name: str, kind: str) -> Cell:
    def cell(answers: dict[str, Any]) -> Any:
        value = answers.get(name)
        if value is None or value in ("", []):
            return None
        return shown(kind, value)
    return cell


def shown(kind: str, value: Any) -> Any:
    """One stored answer as its export cell (anything an older version stored otherwise: as text)."""
    if kind in DATES:
        return _date(str(value))
    if kind == "calculate":
        return calculated_value(str(value))
    if isinstance(value, list) and kind in ("geotrace", "geoshape"):
        return ";".join(point_text(point) for point in value)
    if isinstance(value, list) and kind in ("rank", "select_multiple"):
        return " ".join(str(name) for name in value)
    if isinstance(value, str) or _is_number(value):
        return value
    return json.dumps(value, ensure_ascii=False)  # a shape no version of this question stores


def _date(value: str) -> date | str:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value


def point_text(point: Any) -> str:
    """A point as ODK writes it: "lat lon altitude accuracy" (0 for a missing part)."""
    if not isinstance(point, dict):
        return str(point)
    return " ".join(_number_text(point.get(key)) for _header, key in GEO_PARTS)


def _number_text(value: Any) -> str:
    if not _is_number(value):
        return "0"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
