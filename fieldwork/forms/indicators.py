"""The form's answers as figures: a line per numeric question on a Mipyme's page, counts per choice on the
dashboard. Both are counted by the database (JSON extraction), never by looping over visits in Python.

Questions come from the current version (its labels and choices); answers are read by question name,
so visits filled in an earlier version that asked the same question count too. A question inside a repeat
(one level deep) is read across the visit's instances, as a supervisor reads "what this business makes":
a number is the visit's sum over its instances (the units of all its products), a choice counts each visit
once for every option chosen in any of its instances; each chart says so. Questions in a repeat inside a
repeat, and types that are no figure or choice (places, photos, times, ranks), are not charted (the exports
have them).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import String, case, func, literal, select, true, union_all

from fieldwork.clock import local_date, programme_zone, start_of_day
from fieldwork.database import json_kind_is
from fieldwork.extensions import db
from fieldwork.forms.answer_limits import MAX_NUMBER
from fieldwork.forms.display import request_locale
from fieldwork.forms.display_values import text_in
from fieldwork.forms.outline import Repeat, answered, level
from fieldwork.forms.repeat_sql import Instances
from fieldwork.forms.services import current_version
from fieldwork.mipymes.flags import FlagDay
from fieldwork.mipymes.timeline import TREND_VISITS  # as many visits as the fixed figures' charts beside them
from fieldwork.models import FormVersion, Visit
from fieldwork.text.i18n import number
from fieldwork.web import charts

CHOICE_WEEKS = 12
NUMERIC = ("integer", "decimal", "range")
SELECTS = ("select_one", "select_multiple")


def _current_questions(types: tuple[str, ...]) -> list[dict[str, Any]]:
    """The current version's questions of `types` in form order, labels in the page's language, each with
    `repeat` (the name of the repeat it is in, or None) and `repeat_label`."""
    version = current_version()
    if version is None:
        return []
    locale = request_locale()
    found = []
    for item in level(version.definition.get("questions", [])):
        if isinstance(item, Repeat):
            label = text_in(item.marker.get("label"), locale) or item.name
            found += [_localized(q, locale, item.name, label) for q in answered(item.level()) if q["type"] in types]
        elif item.get("type") in types and item.get("name"):
            found.append(_localized(item, locale, None, ""))
    return found


def _localized(question: dict[str, Any], locale: str, repeat: str | None, repeat_label: str) -> dict[str, Any]:
    return {"name": question["name"], "type": question["type"], "indicator": question.get("indicator"),
            "label": text_in(question.get("label"), locale) or question["name"],
            "choices": [{"name": c["name"], "label": text_in(c.get("label"), locale) or c["name"]}
                        for c in question.get("choices", [])],
            "repeat": repeat, "repeat_label": repeat_label}


def numeric_trends(mipyme_id: int) -> list[dict[str, Any]]:
    """Per integer/decimal question, its values over the Mipyme's latest visits (two queries), oldest first;
    answers of a version where the question had another type are another series, left out and named."""
    questions = _current_questions(NUMERIC)
    if not questions:
        return []
    dialect = db.session.get_bind().dialect.name
    columns = [_summed(q, dialect) if q["repeat"] else _stored_number(q["name"]) for q in questions]
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
        title = question["label"] if not question["repeat"] else _(
            "%(question)s (suma de las filas de «%(repeat)s»)", question=question["label"],
            repeat=question["repeat_label"])
        svg = charts.line(points, title=title, fmt=number, desc=_(
            "Respuesta registrada en cada una de las últimas %(n)d visitas, de la más antigua a la más reciente.",
            n=TREND_VISITS))
        trends.append({"name": question["name"], "title": title, "svg": svg, "points": points,
                       "fmt": number, "indicator": question.get("indicator"), "type_changed_in": series.changed_in})
    return trends


def _stored_number(name: str) -> Any:
    """The answer as a float when it is stored as a JSON number, else NULL (database.json_kind_is)."""
    dialect = db.session.get_bind().dialect.name
    return case((json_kind_is(Visit.answers[name], "number", dialect), Visit.answers[name].as_float()))


def _summed(question: dict[str, Any], dialect: str) -> Any:
    """A repeat's question as the visit's sum over its instances (NULL when no instance holds a number)."""
    instances = Instances(Visit.answers, question["repeat"], dialect, f"sum_{question['name']}")
    return (select(func.sum(instances.number(question["name"]))).select_from(instances.table)
            .scalar_subquery())


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
            counted_by = _counted_in_repeat if q["repeat"] else _counted
            parts += counted_by(index, q, since, series[q["name"]].versions)
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
                       "repeat_label": question["repeat_label"],
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


def _latest_first() -> Any:
    return func.row_number().over(partition_by=Visit.mipyme_id, order_by=(Visit.visited_at.desc(), Visit.id.desc()))


def _counted(index: int, question: dict[str, Any], since: Any, versions: tuple[int, ...]) -> list[Any]:
    """(question, choice, visits, businesses) rows for one question, and its (question, NULL, …) total of
    answers: each business's latest answer in the window is the one whose rank is 1."""
    name, multiple = question["name"], question["type"] == "select_multiple"
    recent = (Visit.visited_at >= since, Visit.form_version_id.in_(versions))
    latest_first = _latest_first()
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


def _counted_in_repeat(index: int, question: dict[str, Any], since: Any, versions: tuple[int, ...]) -> list[Any]:
    """The same rows for a question inside a repeat: a visit counts once per option chosen in any of its
    instances (DISTINCT visits), and its total is the visits where some instance answered the question."""
    name, dialect = question["name"], db.session.get_bind().dialect.name
    ranked = select(Visit.id.label("id"), Visit.answers.label("answers"), _latest_first().label("rank")) \
        .where(Visit.visited_at >= since, Visit.form_version_id.in_(versions),
               json_kind_is(Visit.answers[question["repeat"]], "array", dialect)).cte(f"ranked_{index}")
    instances = Instances(ranked.c.answers, question["repeat"], dialect, f"instance_{index}")
    if question["type"] == "select_multiple":
        items, choice = instances.chosen(name, f"chosen_{index}")
        within = select(ranked.c.id, ranked.c.rank, choice.label("choice")).select_from(ranked) \
            .join(instances.table, true()).join(items, true())
    else:
        within = select(ranked.c.id, ranked.c.rank, instances.text(name).label("choice")).select_from(ranked) \
            .join(instances.table, true())
    chosen = within.subquery(f"chosen_in_{index}")
    is_latest = func.count(func.distinct(case((chosen.c.rank == 1, chosen.c.id))))
    visits = func.count(func.distinct(chosen.c.id))
    answered_only = chosen.c.choice.is_not(None)
    return [select(literal(name), literal(None, String), visits, is_latest).where(answered_only),
            select(literal(name), chosen.c.choice, visits, is_latest).where(answered_only).group_by(chosen.c.choice)]
