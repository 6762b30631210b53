"""The form's answers as figures: a line per numeric question on a Mipyme's page, counts per choice on the
dashboard. Both are counted by the database (JSON extraction), never by looping over visits in Python.

Questions come from the current version (its labels and choices); answers are read by question name,
so visits filled in an earlier version that asked the same question count too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import String, case, func, literal, select, true, union_all

from fieldwork.clock import local_date, programme_zone, start_of_day
from fieldwork.database import json_kind_is
from fieldwork.extensions import db
from fieldwork.forms.answer_limits import MAX_NUMBER
from fieldwork.forms.definition import localized
from fieldwork.forms.services import current_version
from fieldwork.mipymes.flags import FlagDay
from fieldwork.mipymes.timeline import TREND_VISITS  # as many visits as the fixed figures' charts beside them
from fieldwork.models import FormVersion, Visit
from fieldwork.text.i18n import number
from fieldwork.web import charts

CHOICE_WEEKS = 12
NUMERIC = ("integer", "decimal")
SELECTS = ("select_one", "select_multiple")


def _current_questions(types: tuple[str, ...]) -> list[dict[str, Any]]:
    version = current_version()
    if version is None:
        return []
    return [q for q in localized(version.definition, str(get_locale() or "es")) if q["type"] in types]


def numeric_trends(mipyme_id: int) -> list[dict[str, Any]]:
    """Per integer/decimal question, its values over the Mipyme's latest visits (two queries), oldest first;
    answers of a version where the question had another type are another series, left out and named."""
    questions = _current_questions(NUMERIC)
    if not questions:
        return []
    columns = [_stored_number(q["name"]) for q in questions]
    rows = db.session.execute(
        select(Visit.visited_at, Visit.form_version_id, *columns)
        .where(Visit.mipyme_id == mipyme_id, Visit.answers.is_not(None))
        .order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(TREND_VISITS)).all()[::-1]
    types = _types_by_version({row[1] for row in rows if row[1] is not None})
    zone = programme_zone()
    trends = []
    for index, question in enumerate(questions, start=2):
        series = _series(question, types)
        # A figure beyond the answers' bound was stored before it: the chart (and babel) cannot draw it.
        points = [(format_date(local_date(row[0], zone), "d MMM yy"), _plain(row[index])) for row in rows
                  if row[1] in series.versions and row[index] is not None and abs(row[index]) <= MAX_NUMBER]
        svg = charts.line(points, title=question["label"], fmt=number, desc=_(
            "Respuesta registrada en cada una de las últimas %(n)d visitas, de la más antigua a la más reciente.",
            n=TREND_VISITS))
        trends.append({"name": question["name"], "title": question["label"], "svg": svg, "points": points,
                       "fmt": number, "indicator": question.get("indicator"), "type_changed_in": series.changed_in})
    return trends


def _stored_number(name: str) -> Any:
    """The answer as a float when it is stored as a JSON number, else NULL (database.json_kind_is)."""
    dialect = db.session.get_bind().dialect.name
    return case((json_kind_is(Visit.answers[name], "number", dialect), Visit.answers[name].as_float()))


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def choice_counts(day: FlagDay) -> list[dict[str, Any]]:
    """Per select question, how many visits of the last 12 weeks chose each choice (`rows`: label, visits) and
    how many businesses, each by its latest answer (`by_business`, in the same order); one query for all."""
    questions = _current_questions(SELECTS)
    if not questions:
        return []
    this_monday = day.today - timedelta(days=day.today.weekday())
    since = start_of_day(this_monday - timedelta(weeks=CHOICE_WEEKS - 1), programme_zone())
    types = _types_by_version(select(Visit.form_version_id).where(
        Visit.visited_at >= since, Visit.form_version_id.is_not(None)).distinct().scalar_subquery())
    parts, series = [], {}
    for index, q in enumerate(questions):
        series[q["name"]] = _series(q, types)
        if series[q["name"]].versions:
            parts += _counted(index, q["name"], q["type"] == "select_multiple", since, series[q["name"]].versions)
    counted = {(name, value): (businesses, visits) for name, value, visits, businesses in
               db.session.execute(union_all(*parts))} if parts else {}
    result = []
    for question in questions:
        name = question["name"]
        counts = [counted.get((name, c["name"]), (0, 0)) for c in question["choices"]]
        labels = [c["label"] for c in question["choices"]]
        by_business = [businesses for businesses, _visits in counts]
        svg = charts.stacked_bars(labels, [charts.Series(question["label"], by_business)],
                                  title=question["label"], fmt=number, desc=_(
            "Barras: cuántos negocios eligieron cada opción en su respuesta más reciente de las últimas 12 semanas. "
            "La tabla siguiente tiene las mismas cifras y, además, las visitas."))
        answered_businesses, answered_visits = counted.get((name, None), (0, 0))
        result.append({"name": name, "title": question["label"], "svg": svg,
                       "rows": [(label, visits) for label, (_b, visits) in zip(labels, counts, strict=True)],
                       "by_business": by_business, "multiple": question["type"] == "select_multiple",
                       "businesses": answered_businesses, "visits": answered_visits,
                       "type_changed_in": series[name].changed_in})
    return result


@dataclass(frozen=True)
class _Series:
    """The versions whose answers to a question are one series with the current one's, and the version
    (its name) where the question last changed type, if any version of the window had it otherwise."""

    versions: tuple[int, ...]
    changed_in: str | None


def _types_by_version(used: Any) -> dict[int, tuple[str, dict[str, str]]]:
    """{version id: (version name, {question: type})} for the versions `used` (ids, or a subquery of them):
    those the visits charted were filled in, a handful whatever the number of visits."""
    return {vid: (name, {q["name"]: q["type"] for q in definition.get("questions", [])})
            for vid, name, definition in db.session.execute(
                select(FormVersion.id, FormVersion.version, FormVersion.definition).where(FormVersion.id.in_(used)))}


def _series(question: dict[str, Any], types: dict[int, tuple[str, dict[str, str]]]) -> _Series:
    """Answers are read by name: one series while the name and the type stay the same. A version that gave
    the name another type ends the earlier series; only the versions uploaded after it count with this one."""
    name, kind = question["name"], question["type"]
    other = [vid for vid, (_version, asked) in types.items() if asked.get(name, kind) != kind]
    start = max(other, default=0)
    versions = tuple(sorted(vid for vid, (_version, asked) in types.items() if vid > start and asked.get(name) == kind))
    return _Series(versions, types[start][0] if other else None)


def _counted(index: int, name: str, multiple: bool, since: Any, versions: tuple[int, ...]) -> list[Any]:
    """(question, choice, visits, businesses) rows for one question, and its (question, NULL, …) total of
    answers: each business's latest answer in the window is the one whose rank is 1."""
    recent = (Visit.visited_at >= since, Visit.form_version_id.in_(versions))
    latest_first = func.row_number().over(partition_by=Visit.mipyme_id,
                                          order_by=(Visit.visited_at.desc(), Visit.id.desc()))
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if multiple:
        answered = json_kind_is(Visit.answers[name], "array", "postgresql" if postgres else "sqlite")
    else:
        answered = Visit.answers[name].as_string().is_not(None)
    # A CTE: the total and the counts per choice read one ranking of the window's answers, not two.
    ranked = select(Visit.answers.label("answers"), latest_first.label("rank")).where(*recent, answered) \
        .cte(f"ranked_{index}")
    is_latest = func.coalesce(func.sum(case((ranked.c.rank == 1, 1), else_=0)), 0)  # no answers: 0, not NULL
    total = select(literal(name), literal(None, String), func.count(), is_latest).select_from(ranked)
    if not multiple:
        choice = ranked.c.answers[name].as_string()
        return [total, select(literal(name), choice, func.count(), is_latest).group_by(choice)]
    if postgres:
        chosen = func.jsonb_array_elements_text(ranked.c.answers[name]).table_valued("value").alias(f"chosen_{name}")
    else:
        chosen = func.json_each(ranked.c.answers, f'$."{name}"').table_valued("value").alias(f"chosen_{name}")
    return [total, select(literal(name), chosen.c.value, func.count(), is_latest).select_from(ranked)
            .join(chosen, true()).group_by(chosen.c.value)]
