"""The form's answers as figures: a line per numeric question on a Mipyme's page, counts per choice on the
dashboard. Both are counted by the database (JSON extraction), never by looping over visits in Python.

Questions come from the current version (its labels and choices); answers are read by question name,
so visits filled in an earlier version that asked the same question count too.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import case, func, literal, select, true, union_all

from fieldwork.clock import local_date, programme_zone, start_of_day
from fieldwork.extensions import db
from fieldwork.forms.answer_limits import MAX_NUMBER
from fieldwork.forms.definition import localized
from fieldwork.forms.services import current_version
from fieldwork.mipymes.flags import FlagDay
from fieldwork.mipymes.timeline import TREND_VISITS  # as many visits as the fixed figures' charts beside them
from fieldwork.models import Visit
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
    """Per integer/decimal question, its values over the Mipyme's latest visits (one query), oldest first."""
    questions = _current_questions(NUMERIC)
    if not questions:
        return []
    columns = [_stored_number(q["name"]) for q in questions]
    rows = db.session.execute(
        select(Visit.visited_at, *columns)
        .where(Visit.mipyme_id == mipyme_id, Visit.answers.is_not(None))
        .order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(TREND_VISITS)).all()[::-1]
    zone = programme_zone()
    trends = []
    for index, question in enumerate(questions, start=1):
        # A figure beyond the answers' bound was stored before it: the chart (and babel) cannot draw it.
        points = [(format_date(local_date(row[0], zone), "d MMM yy"), _plain(row[index])) for row in rows
                  if row[index] is not None and abs(row[index]) <= MAX_NUMBER]
        svg = charts.line(points, title=question["label"], fmt=number, desc=_(
            "Respuesta registrada en cada una de las últimas %(n)d visitas, de la más antigua a la más reciente.",
            n=TREND_VISITS))
        trends.append({"name": question["name"], "title": question["label"], "svg": svg, "points": points,
                       "fmt": number})
    return trends


def _stored_number(name: str) -> Any:
    """The answer as a float when it is stored as a JSON number, else NULL: PostgreSQL's cast fails on text
    (a question whose type changed between versions, or an answer stored before today's checks)."""
    if db.session.get_bind().dialect.name == "postgresql":
        is_number = func.jsonb_typeof(Visit.answers[name]) == "number"
    else:
        is_number = func.json_type(Visit.answers, f'$."{name}"').in_(("integer", "real"))
    return case((is_number, Visit.answers[name].as_float()))


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def choice_counts(day: FlagDay) -> list[dict[str, Any]]:
    """Per select question, how many visits of the last 12 weeks chose each choice (one query for all)."""
    questions = _current_questions(SELECTS)
    if not questions:
        return []
    this_monday = day.today - timedelta(days=day.today.weekday())
    since = start_of_day(this_monday - timedelta(weeks=CHOICE_WEEKS - 1), programme_zone())
    counted = {(name, value): count for name, value, count in db.session.execute(
        union_all(*(_counted(q["name"], q["type"] == "select_multiple", since) for q in questions)))}
    result = []
    for question in questions:
        rows = [(c["label"], counted.get((question["name"], c["name"]), 0)) for c in question["choices"]]
        svg = charts.stacked_bars([label for label, _count in rows],
                                  [charts.Series(question["label"], [count for _label, count in rows])],
                                  title=question["label"], fmt=number, desc=_(
            "Barras: cuántas visitas de las últimas 12 semanas eligieron cada opción. "
            "La tabla siguiente tiene las mismas cifras."))
        result.append({"name": question["name"], "title": question["label"], "svg": svg, "rows": rows,
                       "multiple": question["type"] == "select_multiple"})
    return result


def _counted(name: str, multiple: bool, since: Any) -> Any:
    """(question, choice, visits) rows for one question: select_multiple through its JSON array's elements."""
    recent = (Visit.visited_at >= since, Visit.answers.is_not(None))
    if not multiple:
        choice = Visit.answers[name].as_string()
        return select(literal(name), choice, func.count()).where(*recent, choice.is_not(None)).group_by(choice)
    if db.session.get_bind().dialect.name == "postgresql":
        is_list = func.jsonb_typeof(Visit.answers[name]) == "array"
        # A stored non-list never reaches the function (which fails on one), whatever order the planner picks.
        listed = case((is_list, Visit.answers[name]), else_=func.jsonb_build_array())
        chosen = func.jsonb_array_elements_text(listed).table_valued("value").alias(f"chosen_{name}")
    else:
        path = f'$."{name}"'
        chosen = func.json_each(Visit.answers, path).table_valued("value").alias(f"chosen_{name}")
        is_list = func.json_type(Visit.answers, path) == "array"
    return (select(literal(name), chosen.c.value, func.count()).select_from(Visit).join(chosen, true())
            .where(*recent, is_list).group_by(chosen.c.value))
