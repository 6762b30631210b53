"""The sync's one hook into forms: a visit's `form_version_id` and `answers`, checked and made ready to store,
with the visit's title (the form's instance_name) computed from the same walk; and the titles of the visits
stored before titles were (migration 0017)."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Connection, bindparam, select, update

from fieldwork.clock import local_date, programme_zone
from fieldwork.forms.answers import Judged, judge_answers
from fieldwork.forms.definition import localized
from fieldwork.forms.services import published_version
from fieldwork.models import FormVersion, Visit
from fieldwork.models.visit import TITLE_MAX_CHARS

#: Visits titled per statement when migration 0017 fills the titles of those stored before it.
FILL_CHUNK = 500


def answer_errors(data: dict[str, Any], zone: ZoneInfo) -> dict[str, list[str]]:
    """Errors per field; on success `data["answers"]` holds what is kept and `data["title"]` the visit's title
    (both None for a visit without a form; the title None too when the form has none or it is empty). The
    title is always the server's: a phone's is never read (VisitInputSchema drops it)."""
    version_id, answers = data.get("form_version_id"), data.get("answers")
    data["title"] = None
    if version_id is None:
        data["answers"] = None
        if answers:
            return {"form_version_id": [_("Indique la versión del formulario en que se llenaron las respuestas.")]}
        return {}
    definition = _published_definition(version_id)
    if definition is None:
        return {"form_version_id": [_("Esa versión del formulario no existe o nunca se publicó.")]}
    judged = _judged(definition, answers, data["visited_at"], zone)
    data["answers"], data["title"] = judged.kept, list_title(judged.title)
    return judged.errors


def _judged(definition: dict[str, Any], answers: Any, visited_at: datetime, zone: ZoneInfo) -> Judged:
    # today() is the visit's own day in the programme's zone: filled Monday, synced Friday, judged as Monday;
    # now() is its visited_at there, as the phone's walk reads it (visit-questions.js visitMoment).
    now = visited_at.astimezone(zone).isoformat(timespec="milliseconds")
    return judge_answers(definition, answers, local_date(visited_at, zone), now)


def list_title(text: str) -> str | None:
    """A title as lists show it: one line (an answer's line breaks and runs of spaces become one space),
    at most TITLE_MAX_CHARS with "…" when cut; None when nothing is left."""
    line = " ".join(text.split())
    if len(line) > TITLE_MAX_CHARS:
        line = line[:TITLE_MAX_CHARS - 1].rstrip() + "…"
    return line or None


def _published_definition(version_id: Any) -> dict[str, Any] | None:
    """The localized questions of a published version, read once per app context and locale.

    Without this each visit of a batch re-read its version (the session's identity map holds it only
    weakly) and re-localized it: 5 ms a visit, 30 times the answer check itself (bench/README.md).
    A published version never changes, so holding its questions is safe; unpublished ones are not held.
    """
    if isinstance(version_id, bool) or not isinstance(version_id, int):
        return None  # refused below; and only an id can be a key
    locale = str(get_locale() or "es")
    held = g.setdefault("published_form_definitions", {})
    if (version_id, locale) not in held:
        version = published_version(version_id)  # any published version: a draft keeps the one it started in
        if version is None:
            return None
        # One language for the labels and for expressions (jr:choice-name(), format-date()): the officer's
        # chosen one, which the page showed the phone's walk too (templates/base.html's <html lang>).
        # pulldata()'s tables and the title's expression travel with the questions, as in the phone's definition.
        held[(version_id, locale)] = _walked(version.definition, locale)
    return held[(version_id, locale)]


def _walked(stored: dict[str, Any], locale: str) -> dict[str, Any]:
    """What the walk reads of a stored definition: the questions in `locale` and, as in the phone's
    definition, pulldata()'s tables and the title's expression."""
    return {"questions": localized(stored, locale), "language": locale,
            **{key: stored[key] for key in ("tables", "instance_name_ast") if key in stored}}


def fill_titles(connection: Connection) -> None:
    """The titles of the visits stored before titles were (migration 0017): each visit kept with answers in
    a version that has an instance_name, computed from its stored answers as its sync would have, in
    Spanish (the language its officer used is not stored; it changes only format-date()'s and
    jr:choice-name()'s words). A page of visits at a time, by id, so memory stays one page."""
    visits, zone = Visit.__table__, programme_zone()
    write = (update(visits).where(visits.c.id == bindparam("visit_id"))
             .values(title=bindparam("computed_title")))
    for version_id, stored in connection.execute(select(FormVersion.id, FormVersion.definition)).all():
        if not (stored or {}).get("instance_name_ast"):
            continue
        definition, after = _walked(stored, "es"), ""
        while rows := connection.execute(
                select(visits.c.id, visits.c.answers, visits.c.visited_at)
                .where(visits.c.form_version_id == version_id, visits.c.answers.is_not(None), visits.c.id > after)
                .order_by(visits.c.id).limit(FILL_CHUNK)).all():
            titled = [{"visit_id": visit_id, "computed_title": title} for visit_id, answers, visited_at in rows
                      if (title := list_title(_judged(definition, answers, visited_at, zone).title))]
            if titled:
                connection.execute(write, titled)
            after = rows[-1][0]
