"""A visit's answers as people read them: the labels of the version it was filled in, values formatted.

One function turns (stored definition, answers) into rows for every page that shows a visit; lists load
the versions their visits need in one query (`answers_by_visit`), and the photos their image answers name in
one more, so a page of visits costs no query per visit. A repeat is one row holding a small table (a row per
instance, a column per question answered in some instance); a repeat inside it gets its own table after it,
each row named by its index path ("1.2": the second size of the first product).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.forms.definition import LOCALES
from fieldwork.forms.display_values import Formatted, PhotoShown, formatted, is_empty, text_in
from fieldwork.forms.outline import METADATA, Repeat, answered, instances, level
from fieldwork.models import FormVersion, Photo, Visit

_REFERENCE = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class RepeatTable:
    """A repeat's answers: its columns' labels and a row per instance (index path, a cell per column, None
    where that instance left the question unanswered)."""

    columns: list[str]
    rows: list[tuple[str, list[AnswerRow | None]]]


@dataclass(frozen=True)
class AnswerRow:
    """A group heading (`heading` true, no value), a note that shows answers (`note` true: its text with
    them filled in), a repeat (`table`), or one answered question: its label and formatted value, its labels
    (`values`) for a select_multiple or a rank (`ordered`), or its photo."""

    label: str
    value: str = ""
    values: list[str] = field(default_factory=list)
    heading: bool = False
    depth: int = 0
    note: bool = False
    ordered: bool = False
    photo: PhotoShown | None = None
    table: RepeatTable | None = None


def request_locale() -> str:
    locale = str(get_locale() or "es")
    return locale if locale in LOCALES else "es"


def answer_rows(stored: dict[str, Any], answers: dict[str, Any] | None, locale: str,
                photos: dict[str, tuple[int, int]] | None = None) -> list[AnswerRow]:
    """The answered questions in form order under their groups' headings; unanswered ones are skipped, and
    so are groups left empty. Calculates show when the form gave them a label; a note shows when it names
    answers ("Total de empleados: ${total}"), filled in as the officer saw it, since it is how a form
    shows a calculate without a label (the demo form's total). `photos`: {photo_id: (width, height)} of the
    photos that have arrived, for image answers. The phone's metadata (start, end, …) is not shown."""
    answers = answers if isinstance(answers, dict) else {}  # stored by older code: read, never trusted
    photos = photos or {}
    items = level(stored.get("questions", []))
    by_name = {item["name"]: item for item in answered(items)}
    rows: list[AnswerRow] = []
    open_groups: list[AnswerRow] = []  # each heading is written just before the first answer inside it
    written: set[int] = set()
    for item in items:
        kind = item.marker["type"] if isinstance(item, Repeat) else item["type"]
        if kind == "begin_group":
            open_groups.append(AnswerRow(label=text_in(item.get("label"), locale), heading=True,
                                         depth=len(open_groups)))
            continue
        if kind == "end_group":
            if open_groups:
                open_groups.pop()
            continue
        depth = len(open_groups)
        if isinstance(item, Repeat):
            found = _tables(item, (item.name,), answers=answers, locale=locale, photos=photos, depth=depth,
                            title="")
        else:
            row = _row(item, by_name=by_name, answers=answers, locale=locale, photos=photos, depth=depth)
            found = [row] if row is not None else []
        if not found:
            continue
        for heading in open_groups:
            if id(heading) not in written:
                written.add(id(heading))
                rows.append(heading)
        rows.extend(found)
    return rows


def _row(item: dict[str, Any], *, by_name: dict[str, Any], answers: dict[str, Any], locale: str,
         photos: dict[str, tuple[int, int]], depth: int) -> AnswerRow | None:
    label = text_in(item.get("label"), locale)
    kind = item["type"]
    if kind == "note":
        text = _filled_note(label, by_name, answers, locale, photos)
        return AnswerRow(label=text, depth=depth, note=True) if text is not None else None
    if kind in METADATA or (kind == "calculate" and not label) or is_empty(answers.get(item["name"])):
        return None
    return _answer(label, item, formatted(item, answers[item["name"]], locale, photos), depth)


def _answer(label: str, item: dict[str, Any], shown: Formatted, depth: int = 0) -> AnswerRow | None:
    if shown is None:
        return None
    if isinstance(shown, PhotoShown):
        return AnswerRow(label=label, photo=shown, depth=depth)
    if isinstance(shown, list):
        return AnswerRow(label=label, values=shown, depth=depth, ordered=item["type"] == "rank")
    return AnswerRow(label=label, value=shown, depth=depth)


def _tables(repeat: Repeat, path: tuple[str, ...], *, answers: dict[str, Any], locale: str,
            photos: dict[str, tuple[int, int]], depth: int, title: str) -> list[AnswerRow]:
    """The repeat's table (when some instance answered something), then its inner repeats' tables."""
    title = (title + " › " if title else "") + (text_in(repeat.marker.get("label"), locale) or repeat.name)
    items = repeat.level()
    questions = [q for q in answered(items) if q["type"] not in METADATA
                 and (q["type"] != "calculate" or text_in(q.get("label"), locale))]
    found = list(instances(answers, path))
    cells = [[None if is_empty(instance.get(q["name"])) else
              _answer(text_in(q.get("label"), locale), q, formatted(q, instance[q["name"]], locale, photos))
              for q in questions] for _index, instance in found]
    used = [n for n in range(len(questions)) if any(row[n] is not None for row in cells)]
    tables = []
    if used:
        table = RepeatTable([text_in(questions[n].get("label"), locale) for n in used],
                            [(".".join(map(str, index)), [row[n] for n in used])
                             for (index, _instance), row in zip(found, cells, strict=True)])
        tables.append(AnswerRow(label=title, table=table, depth=depth))
    for inner in items:
        if isinstance(inner, Repeat):
            tables += _tables(inner, (*path, inner.name), answers=answers, locale=locale, photos=photos,
                              depth=depth, title=title)
    return tables


def versions_of(visits: Iterable[Visit]) -> dict[int, FormVersion]:
    """The form versions these visits were filled in, in one query (none when no visit has a form)."""
    ids = {v.form_version_id for v in visits if v.form_version_id is not None}
    if not ids:
        return {}
    return {v.id: v for v in db.session.scalars(select(FormVersion).where(FormVersion.id.in_(ids)))}


def answers_by_visit(visits: Iterable[Visit], locale: str | None = None) -> dict[str, list[AnswerRow]]:
    """Each visit's answer rows by visit id (visits without a form are absent)."""
    visits = [v for v in visits if v.answers]
    locale = locale or request_locale()
    versions = versions_of(visits)
    photos = _photos([v for v in visits if v.form_version_id in versions
                      and _asks_images(versions[v.form_version_id].definition)])
    return {v.id: answer_rows(versions[v.form_version_id].definition, v.answers, locale, photos.get(v.id))
            for v in visits if v.form_version_id in versions}


def _asks_images(stored: dict[str, Any]) -> bool:
    return any(q.get("type") == "image" for q in stored.get("questions", []))


def _photos(visits: list[Visit]) -> dict[str, dict[str, tuple[int, int]]]:
    """{visit id: {photo_id: (width, height)}} of the photos that arrived for these visits (one query; none
    when their versions ask no image). A photo counts only for its own visit."""
    if not visits:
        return {}
    found: dict[str, dict[str, tuple[int, int]]] = {}
    for photo_id, visit_id, width, height in db.session.execute(
            select(Photo.id, Photo.visit_id, Photo.width, Photo.height)
            .where(Photo.visit_id.in_([v.id for v in visits]))):
        found.setdefault(visit_id, {})[photo_id] = (width, height)
    return found


def _filled_note(text: str, by_name: dict[str, Any], answers: dict[str, Any], locale: str,
                 photos: dict[str, tuple[int, int]]) -> str | None:
    """The note's text with the answers it names, formatted; None when it names none that has a value."""
    shown = False

    def answer(match: re.Match) -> str:
        nonlocal shown
        name = match.group(1).strip()
        value = answers.get(name)
        if is_empty(value) or name not in by_name:
            return "—"
        filled = formatted(by_name[name], value, locale, photos)
        if filled is None:
            return "—"
        shown = True
        if isinstance(filled, PhotoShown):
            return filled.photo_id
        return ", ".join(filled) if isinstance(filled, list) else filled

    filled_text = _REFERENCE.sub(answer, text)
    return filled_text if shown else None
