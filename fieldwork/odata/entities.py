"""The feed's entity sets: their columns (name, EDM type, SQL expression) and the query each role may read.

`Visits` carries the visit's own fields and then one column per answered question of the current form
version, named as the question (`form_<name>` when a visit field has that name; characters OData names
cannot hold become `_`). Answers from older versions fill the column of the same name while the value
fits its type (a question whose type changed starts a new series, as in the exports); a select_multiple
or a rank is its choice names separated by spaces, as ODK Central gives it; a geopoint is four columns
(`<name>_latitude`, `_longitude`, `_altitude`, `_accuracy`, as the exports split it), a trace or shape its
points' text, a dateTime an Edm.DateTimeOffset, a time or an image (its photo_id) text. Each repeat of the
current version is the set `Visits_<repeat name>` (fieldwork/odata/repeats.py) with the columns `id`,
`visit_id`, `index` (from 1) and its questions, like its sheet in the XLSX export.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.sql.elements import ColumnElement

from fieldwork.forms.answer_cells import point_text
from fieldwork.forms.outline import answered, level
from fieldwork.forms.services import current_version
from fieldwork.models import FormVersion, Mipyme, MipymeSummaryRow, User, Visit
from fieldwork.registry.services import visible_mipymes
from fieldwork.visits.access import visible_visits

#: OData's SimpleIdentifier: a letter or underscore, then letters, digits or underscores (128 at most).
_NOT_IDENTIFIER = re.compile(r"[^\w]", re.ASCII)
_ANSWER_TYPES = {"integer": "Edm.Int64", "decimal": "Edm.Double", "range": "Edm.Double", "date": "Edm.Date",
                 "today": "Edm.Date", "dateTime": "Edm.DateTimeOffset", "start": "Edm.DateTimeOffset",
                 "end": "Edm.DateTimeOffset"}
#: A geopoint as four columns, as in the exports: (column suffix, key of the stored point).
GEO_PARTS = (("latitude", "lat"), ("longitude", "lon"), ("altitude", "altitude"), ("accuracy", "accuracy_m"))


@dataclass(frozen=True)
class Column:
    name: str
    edm: str
    #: The SQL it is read from; None for an answer, read from the visit's answers document.
    sql: ColumnElement[Any] | None = None
    nullable: bool = True
    #: The question an answer column shows (None for the visit's own fields).
    question: str | None = None
    #: $filter and $orderby take plain SQL columns only (not answers, not lists such as `topics`).
    sortable: bool = True
    #: For an answer split over several columns (a geopoint): the key of the stored object this one shows.
    part: str | None = None

    @property
    def filterable(self) -> bool:
        return self.sql is not None and self.sortable


@dataclass(frozen=True)
class EntitySet:
    name: str
    type_name: str
    key: str
    columns: list[Column]
    #: The rows `reader` may see, before the feed's options (a SELECT of every SQL column, labelled).
    source: Callable[[User], Select[Any]] | None = None
    by_name: dict[str, Column] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})


def _plain(name: str, edm: str, sql: ColumnElement[Any], nullable: bool = True, sortable: bool = True) -> Column:
    return Column(name, edm, sql, nullable, sortable=sortable)


def mipymes() -> EntitySet:
    s = MipymeSummaryRow
    columns = [
        _plain("id", "Edm.Int32", Mipyme.id, nullable=False), _plain("name", "Edm.String", Mipyme.name, False),
        _plain("nit", "Edm.String", Mipyme.nit), _plain("sector", "Edm.String", Mipyme.sector, False),
        _plain("ciiu", "Edm.String", Mipyme.ciiu), _plain("status", "Edm.String", Mipyme.status, False),
        _plain("exited_on", "Edm.Date", Mipyme.exited_on),
        _plain("officer_id", "Edm.Int32", Mipyme.officer_id),
        _plain("owner_name", "Edm.String", Mipyme.owner_name), _plain("phone", "Edm.String", Mipyme.phone),
        _plain("address", "Edm.String", Mipyme.address),
        _plain("neighborhood", "Edm.String", Mipyme.neighborhood),
        _plain("active", "Edm.Boolean", Mipyme.active, False),
        _plain("enrolled_on", "Edm.Date", Mipyme.enrolled_on, False),
        _plain("created_at", "Edm.DateTimeOffset", Mipyme.created_at, False),
        # From the kept summary row: no visit is read (a Mipyme never visited has none: 0 and nulls).
        _plain("visit_count", "Edm.Int32", s.visit_count), _plain("last_visit_at", "Edm.DateTimeOffset",
                                                                   s.last_visit_at),
        _plain("next_follow_up_due", "Edm.Date", s.next_follow_up_due),
    ]

    def source(reader: User) -> Select[Any]:
        return (visible_mipymes(reader).with_only_columns(*(c.sql.label(c.name) for c in columns))
                .outerjoin(s, s.mipyme_id == Mipyme.id))

    return EntitySet("Mipymes", "Mipyme", "id", columns, source)


_VISIT_FIELDS = [
    ("id", "Edm.String", Visit.id, False), ("mipyme_id", "Edm.Int32", Visit.mipyme_id, False),
    ("officer_id", "Edm.Int32", Visit.officer_id, False),
    ("visited_at", "Edm.DateTimeOffset", Visit.visited_at, False), ("topics", "Edm.String", Visit.topics, False, False),
    ("production_units", "Edm.Int32", Visit.production_units, True),
    ("monthly_sales_cop", "Edm.Int64", Visit.monthly_sales_cop, True),
    ("employees", "Edm.Int32", Visit.employees, True), ("needs", "Edm.String", Visit.needs, True),
    ("notes", "Edm.String", Visit.notes, True), ("follow_up_due", "Edm.Date", Visit.follow_up_due, True),
    ("follow_up_reason", "Edm.String", Visit.follow_up_reason, True),
    ("latitude", "Edm.Double", Visit.latitude, True), ("longitude", "Edm.Double", Visit.longitude, True),
    ("accuracy_m", "Edm.Double", Visit.accuracy_m, True), ("revision", "Edm.Int32", Visit.revision, False),
    ("form_version_id", "Edm.Int32", Visit.form_version_id, True),
    ("form_version", "Edm.String", FormVersion.version, True), ("title", "Edm.String", Visit.title, True),
    ("received_at", "Edm.DateTimeOffset", Visit.received_at, False),
    ("updated_at", "Edm.DateTimeOffset", Visit.updated_at, False),
    ("review_status", "Edm.String", Visit.review_status, False),
    ("review_comment", "Edm.String", Visit.review_comment, True),
    ("reviewed_at", "Edm.DateTimeOffset", Visit.reviewed_at, True),
    ("owner_confirmation", "Edm.String", Visit.owner_confirmation, False),
    ("owner_comment", "Edm.String", Visit.owner_comment, True),
    ("confirmed_at", "Edm.DateTimeOffset", Visit.confirmed_at, True),
    ("dispute_resolved_at", "Edm.DateTimeOffset", Visit.dispute_resolved_at, True),
    ("dispute_outcome", "Edm.String", Visit.dispute_outcome, True),
]
#: Where a visit's answers are read from: not a column of the feed.
ANSWERS = "__answers"


def answer_columns(stored: dict[str, Any] | None, taken: set[str]) -> list[Column]:
    """One column per answered question of a version's definition at the visit's level (a repeat's
    questions are its own set's), in form order; a geopoint gives four."""
    return level_columns(level((stored or {}).get("questions", [])), taken)


def level_columns(items: list[Any], taken: set[str]) -> list[Column]:
    """The answer columns of one level of a definition (`fieldwork.forms.outline.level`)."""
    columns: list[Column] = []
    for question in answered(items):
        kind = question["type"]
        parts = [(f"{question['name']}_{suffix}", "Edm.Double", key) for suffix, key in GEO_PARTS] \
            if kind == "geopoint" else [(question["name"], _ANSWER_TYPES.get(kind, "Edm.String"), None)]
        for wanted, edm, part in parts:
            name = _identifier(wanted)
            if name in taken:
                name = _identifier("form_" + name)
            if name in taken:
                continue  # two question names that become one identifier: the first keeps it
            taken.add(name)
            columns.append(Column(name, edm, question=question["name"], part=part))
    return columns


def _identifier(name: str) -> str:
    name = _NOT_IDENTIFIER.sub("_", name)
    return (name if name[:1].isalpha() or name[:1] == "_" else "_" + name)[:128]


def visits() -> EntitySet:
    plain = [_plain(*spec) for spec in _VISIT_FIELDS]
    version = current_version()
    columns = plain + answer_columns(version.definition if version else None, {c.name for c in plain})

    def source(reader: User) -> Select[Any]:
        selected = [c.sql.label(c.name) for c in plain] + [Visit.answers.label(ANSWERS)]
        return (visible_visits(reader).with_only_columns(*selected)
                .outerjoin(FormVersion, FormVersion.id == Visit.form_version_id))

    return EntitySet("Visits", "Visit", "id", columns, source)


def answer_value(column: Column, answers: dict[str, Any] | None) -> Any:
    """An answer as its column's type, or None when absent or of another type (an older version's)."""
    value = (answers if isinstance(answers, dict) else {}).get(column.question or "")
    if column.part is not None:
        value = value.get(column.part) if isinstance(value, dict) else None
    if value is None or value == "":
        return None
    return _CONVERT.get(column.edm, _text)(value)


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _real(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _day(value: Any) -> str | None:
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return None


def _moment(value: Any) -> str | None:
    """A dateTime answer with its offset, as OData writes one; anything else (an older version's) None."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed.isoformat().replace("+00:00", "Z") if parsed.tzinfo is not None else None


def _text(value: Any) -> str:
    """Text as stored; a list as its items separated by spaces (select_multiple, rank: ODK Central's way), a
    trace's points as ODK writes them ("lat lon altitude accuracy;…")."""
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):
            return ";".join(point_text(item) for item in value)
        return " ".join(str(item) for item in value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_CONVERT: dict[str, Callable[[Any], Any]] = {"Edm.Int64": _whole, "Edm.Double": _real, "Edm.Date": _day,
                                             "Edm.DateTimeOffset": _moment}


def json_value(edm: str, value: Any) -> Any:
    """A stored value as OData JSON writes it (dates ISO 8601, times in UTC with an offset)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if edm == "Edm.String" and isinstance(value, list):
        return " ".join(value)
    return value
