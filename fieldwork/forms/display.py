"""A visit's answers as people read them: the labels of the version it was filled in, values formatted.

One function turns (stored definition, answers) into rows for every page that shows a visit; lists load
the versions their visits need in one query (`answers_by_visit`), so a page of visits costs no query per visit.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import get_locale
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.forms.answer_limits import MAX_NUMBER
from fieldwork.forms.definition import LOCALES
from fieldwork.models import FormVersion, Visit
from fieldwork.text.i18n import day, number

_REFERENCE = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class AnswerRow:
    """A group heading (`heading` true, no value), a note that shows answers (`note` true: its text with
    them filled in), or one answered question: its label and formatted value, or its labels (`values`)
    for a select_multiple."""

    label: str
    value: str = ""
    values: list[str] = field(default_factory=list)
    heading: bool = False
    depth: int = 0
    note: bool = False


def request_locale() -> str:
    locale = str(get_locale() or "es")
    return locale if locale in LOCALES else "es"


def answer_rows(stored: dict[str, Any], answers: dict[str, Any] | None, locale: str) -> list[AnswerRow]:
    """The answered questions in form order under their groups' headings; unanswered ones are skipped, and
    so are groups left empty. Calculates show when the form gave them a label; a note shows when it names
    answers ("Total de empleados: ${total}"), filled in as the officer saw it, since it is how a form
    shows a calculate without a label (the demo form's total)."""
    answers = answers if isinstance(answers, dict) else {}  # stored by older code: read, never trusted
    by_name = {item["name"]: item for item in stored.get("questions", []) if item.get("name")}
    rows: list[AnswerRow] = []
    open_groups: list[AnswerRow] = []  # each heading is written just before the first answer inside it
    written: set[int] = set()
    for item in stored.get("questions", []):
        kind = item["type"]
        if kind == "begin_group":
            open_groups.append(AnswerRow(label=_text(item.get("label"), locale), heading=True,
                                         depth=len(open_groups)))
            continue
        if kind == "end_group":
            if open_groups:
                open_groups.pop()
            continue
        label = _text(item.get("label"), locale)
        formatted = _shown(item, label, by_name, answers, locale)
        if formatted is None:
            continue
        for heading in open_groups:
            if id(heading) not in written:
                written.add(id(heading))
                rows.append(heading)
        depth = len(open_groups)
        if kind == "note":
            rows.append(AnswerRow(label=str(formatted), depth=depth, note=True))
        elif isinstance(formatted, list):
            rows.append(AnswerRow(label=label, values=formatted, depth=depth))
        else:
            rows.append(AnswerRow(label=label, value=formatted, depth=depth))
    return rows


def versions_of(visits: Iterable[Visit]) -> dict[int, FormVersion]:
    """The form versions these visits were filled in, in one query (none when no visit has a form)."""
    ids = {v.form_version_id for v in visits if v.form_version_id is not None}
    if not ids:
        return {}
    return {v.id: v for v in db.session.scalars(select(FormVersion).where(FormVersion.id.in_(ids)))}


def answers_by_visit(visits: Iterable[Visit], locale: str | None = None) -> dict[str, list[AnswerRow]]:
    """Each visit's answer rows by visit id (visits without a form are absent)."""
    visits = list(visits)
    locale = locale or request_locale()
    versions = versions_of(visits)
    return {v.id: answer_rows(versions[v.form_version_id].definition, v.answers, locale)
            for v in visits if v.form_version_id in versions and v.answers}


def _text(texts: dict[str, str] | None, locale: str) -> str:
    return (texts or {}).get(locale, "") if isinstance(texts, dict) else str(texts or "")


def _is_empty(value: Any) -> bool:
    return value is None or value in ("", [])


def _formatted(question: dict[str, Any], value: Any, locale: str) -> str | list[str] | None:
    kind = question["type"]
    if kind in ("select_one", "select_multiple"):
        names = [value] if kind == "select_one" else value if isinstance(value, list) else str(value).split()
        labels = _choice_labels(question, names, locale)
        return labels[0] if kind == "select_one" else labels
    if kind == "calculate":
        value = calculated_value(str(value))
        return value if value is None or isinstance(value, str) else _figure(value)
    if kind in ("integer", "decimal") and isinstance(value, int | float) and not isinstance(value, bool):
        return _figure(value)
    if kind == "date":
        return _day(str(value))
    return str(value)


def _shown(item: dict[str, Any], label: str, by_name: dict[str, Any], answers: dict[str, Any], locale: str
           ) -> str | list[str] | None:
    """What a row shows for `item`, or None when it shows no row."""
    if item["type"] == "note":
        return _filled_note(label, by_name, answers, locale)
    if (item["type"] == "calculate" and not label) or _is_empty(answers.get(item["name"])):
        return None
    return _formatted(item, answers[item["name"]], locale)


def _filled_note(text: str, by_name: dict[str, Any], answers: dict[str, Any], locale: str) -> str | None:
    """The note's text with the answers it names, formatted; None when it names none that has a value."""
    shown = False

    def answer(match: re.Match) -> str:
        nonlocal shown
        name = match.group(1).strip()
        value = answers.get(name)
        formatted = None if _is_empty(value) or name not in by_name else _formatted(by_name[name], value, locale)
        if formatted is None:
            return "—"
        shown = True
        return ", ".join(formatted) if isinstance(formatted, list) else formatted

    filled = _REFERENCE.sub(answer, text)
    return filled if shown else None


def _figure(value: int | float) -> str:
    """A number as Colombians read it; one outside what an answer may hold (stored before the bound) as
    written, since babel's formatting fails on it and a page must still show the visit."""
    if math.isfinite(value) and abs(value) <= MAX_NUMBER:
        return number(value)
    return str(value)


def _day(value: str) -> str:
    try:
        return day(date.fromisoformat(value))
    except ValueError:
        return value


def _choice_labels(question: dict[str, Any], names: list[Any], locale: str) -> list[str]:
    labels = {c["name"]: _text(c.get("label"), locale) for c in question.get("choices", [])}
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
