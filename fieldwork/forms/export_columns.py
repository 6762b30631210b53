"""The visit log export's form columns: one per question over every published version, as KoboToolbox does.

Headers are the question names (stable across versions and languages, what analysis scripts key on);
a select_multiple becomes one 0/1 column per choice headed `name/choice`, a geopoint four columns
(`name/latitude`, `name/longitude`, `name/altitude`, `name/accuracy`), an image its photo_id and
`name/url`, the photo's address. Each header carries its label (`ColumnTitle.label`, from the newest version
that has the question) and, for a select_one or a rank, what its stored values mean (`ColumnTitle.values`:
"banco = Banco; ..."), for the export's legend; a calculate says it is calculated and from what. Groups and
notes give no column; a version's cell is empty when that version lacks the question. A `form_version`
column (the version string) comes first. Each repeat gets its own table (`FormExport.repeats`): a row per
instance with `visit_id`, its index (from 1, `parent_index` too for a nested repeat) and its questions.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from flask import current_app, g, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.forms.answer_cells import Cell, column_specs
from fieldwork.forms.display import request_locale
from fieldwork.forms.outline import Repeat, instances, level, repeats
from fieldwork.models import FormVersion

Getter = Callable[[Any], Any]
_PHOTO_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


class ColumnTitle(str):
    """A column header that also knows the question's label (a str, so every export writes it unchanged)."""

    label: str
    values: str  # a select_one's stored values and their labels, "" for other questions

    def __new__(cls, name: str, label: str, values: str = "") -> ColumnTitle:
        title = super().__new__(cls, name)
        title.label, title.values = label, values
        return title


class InstanceRow(NamedTuple):
    """One row of a repeat's table: the visit, the instance's index path (outermost first) and its answers."""

    visit_id: str
    form_version_id: int | None
    path: tuple[int, ...]
    answers: dict[str, Any]


@dataclass
class RepeatTable:
    """A repeat's own table: its name (the sheet's, the CSV's `?repeat=`), label, the names of the repeats
    from the outermost down to it, and its columns over every version."""

    name: str
    label: str
    path: tuple[str, ...]
    columns: list[tuple[str, Getter]] = field(default_factory=list)

    def rows(self, visits: Iterable[Any]) -> Iterator[InstanceRow]:
        """The instances of this repeat in `visits` (rows with id, form_version_id and answers, read as they
        come: one visit's instances in memory at a time)."""
        for visit in visits:
            for path, answers in instances(visit.answers, self.path):
                yield InstanceRow(visit.id, visit.form_version_id, path, answers)


class _Merged:
    """Columns of one level (the visit's, or one repeat's) merged over versions in form order."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.titles: dict[str, tuple[str, str]] = {}
        self.cells: dict[int, dict[str, Cell]] = {}

    def add(self, version_id: int, specs: dict[str, tuple[str, str, Cell]]) -> None:
        self.cells[version_id] = {key: cell for key, (_label, _values, cell) in specs.items()}
        position = 0  # a version's new columns go right after the column that precedes them in that version
        for key in specs:
            if key in self.order:
                position = self.order.index(key) + 1
            else:
                self.order.insert(position, key)
                position += 1
        self.titles.update({key: (label, values) for key, (label, values, _cell) in specs.items()})  # newest wins

    def columns(self) -> list[tuple[str, Getter]]:
        def reader(key: str) -> Getter:
            def cell(row: Any) -> Any:
                get = self.cells.get(row.form_version_id, {}).get(key)
                return get(row.answers or {}) if get else None
            return cell
        return [(ColumnTitle(key, *self.titles[key]), reader(key)) for key in self.order]


class FormExport:
    """The form's columns for the visit export, over every published version (one query)."""

    def __init__(self, locale: str | None = None) -> None:
        locale = locale or request_locale()
        versions = db.session.execute(select(FormVersion.id, FormVersion.version, FormVersion.definition,
                                             FormVersion.published_at).order_by(FormVersion.id)).all()
        self.version_names = {vid: name for vid, name, _definition, _published in versions}
        self.published = any(published is not None for *_rest, published in versions)
        photo = _photo_link()
        main = _Merged()
        merged: dict[tuple[str, ...], tuple[_Merged, str]] = {}
        for vid, _name, definition, published in versions:
            if published is None:
                continue
            items = (definition or {}).get("questions", [])
            main.add(vid, column_specs(level(items), locale, photo))
            for repeat, parents in repeats(items):
                path = (*(p.name for p in parents), repeat.name)
                table = merged.setdefault(path, (_Merged(), ""))[0]
                table.add(vid, column_specs(repeat.level(), locale, photo))
                merged[path] = (table, _label(repeat, locale))  # the newest version's label
        self.main = main
        self.repeats = [self._repeat_table(path, table, label) for path, (table, label) in merged.items()]

    def visit_columns(self) -> list[tuple[str, Getter]]:
        """`form_version` then one column per question answered at the visit's level, in form order."""
        if not self.published:
            return []
        version = (ColumnTitle("form_version", _("Versión del formulario")),
                   lambda row: self.version_names.get(row.form_version_id))
        return [version, *self.main.columns()]

    def repeat(self, name: str) -> RepeatTable | None:
        return next((table for table in self.repeats if table.name == name), None)

    @staticmethod
    def _repeat_table(path: tuple[str, ...], merged: _Merged, label: str) -> RepeatTable:
        columns: list[tuple[str, Getter]] = [("visit_id", lambda row: row.visit_id)]
        if len(path) > 1:  # the enclosing instance: "2" in a repeat inside a repeat, "2.1" one level deeper
            columns.append(("parent_index", lambda row: row.path[0] if len(row.path) == 2
                            else ".".join(str(i) for i in row.path[:-1])))
        columns.append(("index", lambda row: row.path[-1]))
        return RepeatTable(path[-1], label, path, columns + merged.columns())


def _label(repeat: Repeat, locale: str) -> str:
    label = repeat.marker.get("label")
    return (label.get(locale) if isinstance(label, dict) else None) or repeat.name


def _photo_link() -> Callable[[str], str] | None:
    """The photo's address for an image's link column: under FIELDWORK_BASE_URL (never the request's Host,
    which the caller chooses), the path alone when it is not set."""
    if not has_request_context():
        return None
    base = (current_app.config.get("FIELDWORK_BASE_URL") or "").rstrip("/")
    template = base + url_for("api.get_photo", photo_id=_PHOTO_PLACEHOLDER)
    return lambda photo_id: template.replace(_PHOTO_PLACEHOLDER, photo_id)


def form_export() -> FormExport:
    """This request's FormExport (the visit columns and the repeats' tables read the versions once)."""
    if not has_request_context():
        return FormExport()
    if "form_export" not in g:
        g.form_export = FormExport()
    return g.form_export


def answer_columns() -> list[tuple[str, Getter]]:
    """(title, cell of a visit row) for every form column of the visit log export, in form order."""
    return form_export().visit_columns()

