"""The visit log export's form columns: one per question over every published version, as KoboToolbox does.

Headers are the question names (stable across versions and languages, what analysis scripts key on);
a select_multiple becomes one 0/1 column per choice headed `name/choice`. Each header carries its label
(`ColumnTitle.label`, from the newest version that has the question) and, for a select_one, what its
stored values mean (`ColumnTitle.values`: "banco = Banco; ..."), for the export's legend. Groups and notes
give no column (a note holds no answer: its column was always empty); calculates do. A version's cell is
empty when that version lacks the question.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.forms.display import calculated_value, request_locale
from fieldwork.models import FormVersion, Visit

Cell = Callable[[dict[str, Any]], Any]
_NOT_COLUMNS = ("begin_group", "end_group", "note")


class ColumnTitle(str):
    """A column header that also knows the question's label (a str, so every export writes it unchanged)."""

    label: str
    values: str  # a select_one's stored values and their labels, "" for other questions

    def __new__(cls, name: str, label: str, values: str = "") -> ColumnTitle:
        title = super().__new__(cls, name)
        title.label, title.values = label, values
        return title


def answer_columns(locale: str | None = None) -> list[tuple[ColumnTitle, Callable[[Visit], Any]]]:
    """(title, cell of a visit) for every form column, in form order (one query for all versions)."""
    locale = locale or request_locale()
    versions = db.session.scalars(select(FormVersion).where(FormVersion.published_at.is_not(None))
                                  .order_by(FormVersion.id)).all()
    order: list[str] = []
    labels: dict[str, tuple[str, str]] = {}
    cells: dict[int, dict[str, Cell]] = {}
    for version in versions:
        columns = _version_columns(version.definition, locale)
        cells[version.id] = {key: cell for key, (_label, _values, cell) in columns.items()}
        _merge(order, list(columns))
        labels.update({key: (label, values) for key, (label, values, _cell) in columns.items()})  # newest wins

    def reader(key: str) -> Callable[[Visit], Any]:
        def cell(visit: Visit) -> Any:
            get = cells.get(visit.form_version_id, {}).get(key)
            return get(visit.answers or {}) if get else None
        return cell

    return [(ColumnTitle(key, *labels[key]), reader(key)) for key in order]


def _merge(order: list[str], keys: list[str]) -> None:
    """Add a version's new columns right after the column that precedes them in that version."""
    position = 0
    for key in keys:
        if key in order:
            position = order.index(key) + 1
        else:
            order.insert(position, key)
            position += 1


def _version_columns(stored: dict[str, Any], locale: str) -> dict[str, tuple[str, str, Cell]]:
    """Each column of one version: (label, a select_one's values and their labels, cell)."""
    columns: dict[str, tuple[str, str, Cell]] = {}
    for question in stored.get("questions", []):
        kind, name = question["type"], question["name"]
        if kind in _NOT_COLUMNS:
            continue
        label = question.get("label", {}).get(locale, "") or name
        choices = [(choice["name"], choice.get("label", {}).get(locale, "") or choice["name"])
                   for choice in question.get("choices", [])]
        if kind == "select_multiple":
            for value, choice_label in choices:
                columns[f"{name}/{value}"] = (f"{label}: {choice_label}", "", _chosen(name, value))
        else:
            values = "; ".join(f"{value} = {choice_label}" for value, choice_label in choices)
            columns[name] = (label, values, _value(name, kind))
    return columns


def _chosen(name: str, choice: str) -> Cell:
    """1 when the choice was ticked, 0 when the question was answered without it, empty when unanswered."""
    def cell(answers: dict[str, Any]) -> int | None:
        picked = answers.get(name)
        if not picked:
            return None
        return int(choice in (picked if isinstance(picked, list) else str(picked).split()))
    return cell


def _value(name: str, kind: str) -> Cell:
    def cell(answers: dict[str, Any]) -> Any:
        value = answers.get(name)
        if value is None or value == "":
            return None
        if kind == "date":
            try:
                return date.fromisoformat(str(value))
            except ValueError:
                return value
        if kind == "calculate":
            return calculated_value(str(value))
        return value
    return cell
