"""The sync's one hook into forms: a visit's `form_version_id` and `answers`, checked and made ready to store,
with the visit's title (the form's instance_name) computed from the same walk."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _

from fieldwork.clock import local_date
from fieldwork.forms.answers import judge_answers
from fieldwork.forms.definition import localized
from fieldwork.forms.services import published_version
from fieldwork.models.visit import TITLE_MAX_CHARS


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
    # today() is the visit's own day in the programme's zone: filled Monday, synced Friday, judged as Monday;
    # now() is its visited_at there, as the phone's walk reads it (visit-questions.js visitMoment).
    visited_at = data["visited_at"]
    now = visited_at.astimezone(zone).isoformat(timespec="milliseconds")
    judged = judge_answers(definition, answers, local_date(visited_at, zone), now)
    data["answers"], data["title"] = judged.kept, list_title(judged.title)
    return judged.errors


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
        stored = version.definition
        held[(version_id, locale)] = {"questions": localized(stored, locale), "language": locale,
                                      **{key: stored[key] for key in ("tables", "instance_name_ast") if key in stored}}
    return held[(version_id, locale)]
