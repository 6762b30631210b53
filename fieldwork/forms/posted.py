"""The no-JavaScript path of /visits/new: `answers.<name>` fields of an HTML post become typed answers.

Numbers are read as Colombians write them (fieldwork/text/numbers.py: `4.500.000`, `35,5`). A figure that does
not read is passed on as typed, so that validate_answers refuses it under answers.<name> like the phone.
"""
from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from fieldwork.forms.services import current_version, published_version
from fieldwork.text.numbers import NumberError, parse_decimal, parse_integer

PREFIX = "answers."


def with_posted_answers(payload: dict[str, Any], posted: MultiDict) -> dict[str, Any]:
    """`payload` plus form_version_id and answers, when the post carries any (a page without the form's
    questions posts none, and its visit stays a visit without a form)."""
    names = {key[len(PREFIX):] for key in posted if key.startswith(PREFIX)}
    version_id = _version_id(posted.get("form_version_id"))
    if not names and version_id is None:
        return payload
    version = published_version(version_id) if version_id is not None else current_version()
    if version is None:
        return {**payload, "form_version_id": version_id, "answers": {n: posted.get(PREFIX + n) for n in names}}
    kinds = {q["name"]: q["type"] for q in version.definition["questions"] if "name" in q}
    answers = {name: _typed(kinds.get(name), posted, PREFIX + name) for name in sorted(names)}
    return {**payload, "form_version_id": version.id,
            "answers": {name: value for name, value in answers.items() if value not in (None, "", [])}}


def _version_id(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _typed(kind: str | None, posted: MultiDict, key: str) -> Any:
    if kind == "select_multiple":
        return [value for value in posted.getlist(key) if value]
    text = (posted.get(key) or "").strip()
    try:
        if kind == "integer":
            return parse_integer(text, allow_negative=True)
        if kind == "decimal":
            return parse_decimal(text, allow_negative=True)
    except NumberError:
        return text  # refused by validate_answers as "Escriba un número…", beside the same question
    return text
