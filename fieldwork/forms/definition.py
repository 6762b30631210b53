"""Turns pyxform's JSON survey into Fieldwork's form definition, parsing every expression once.

The stored definition keeps each text in both UI languages (`{"es": ..., "en": ...}`) so that a version
never needs its workbook again; `localized` picks one language for a page or an API answer.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from fieldwork.forms.answer_types import ANSWERED_TYPES
from fieldwork.forms.expressions import MAX_NUMBER
from fieldwork.forms.refusals import FormRefused, Refusals
from fieldwork.forms.row_checks import INDICATOR_COLUMN
from fieldwork.forms.subset import REQUIRED_VALUES
from fieldwork.forms.xlsform import EXPRESSION_COLUMNS, SurveyRows
from fieldwork.results.catalogue import BUILTIN_FEEDS
from fieldwork.results.definitions import feeds_of, is_yes

LOCALES = ("es", "en")
_TYPES = {"text": "text", "string": "text", "integer": "integer", "int": "integer", "decimal": "decimal",
          "date": "date", "note": "note", "calculate": "calculate", "select one": "select_one",
          "select_one": "select_one", "select all that apply": "select_multiple",
          "select_multiple": "select_multiple", "group": "group"}
_LANGUAGE_NAMES = {"es": {"es", "español", "espanol", "spanish", "castellano"},
                   "en": {"en", "english", "inglés", "ingles"}}
_LANGUAGE_CODE = re.compile(r"\((\w\w)\)\s*$")
_DYNAMIC_DEFAULT = re.compile(r"\$\{|\b[a-z][a-z-]*\s*\(")


def build_definition(survey: dict[str, Any], rows: SurveyRows, fallback_id: str) -> dict[str, Any]:
    """The stored definition of a workbook pyxform has read, or FormRefused."""
    refusals = Refusals()
    default_language = survey.get("default_language") or "default"
    builder = _Builder(refusals, rows, default_language)
    builder.walk(survey.get("children", []))
    refusals.raise_if_any()
    if not any(q["type"] in ANSWERED_TYPES for q in builder.questions):
        raise FormRefused([_("Hoja survey: el formulario no tiene ninguna pregunta que responder.")])
    return {
        "form_id": rows.settings.get("form_id") or fallback_id,
        "version": rows.settings.get("version", ""),
        "title": rows.settings.get("form_title") or survey.get("title") or fallback_id,
        "questions": builder.questions,
    }


class _Builder:
    def __init__(self, refusals: Refusals, rows: SurveyRows, default_language: str):
        self.refusals, self.rows, self.default_language = refusals, rows, default_language
        self.questions: list[dict[str, Any]] = []

    def walk(self, children: list[dict[str, Any]]) -> None:
        for element in children:
            if element.get("name") == "meta" and element.get("control", {}).get("bodyless"):
                continue  # pyxform's instanceID: the visit's UUID is the instance id
            kind = _TYPES.get(element.get("type", ""))
            where = self.refusals.at("survey", self.rows.rows.get(element.get("name", "")))
            if kind is None:
                where.fail(_("el tipo «%(type)s» no está admitido.", type=element.get("type")))
            elif kind == "group":
                self.group(element)
            else:
                self.question(kind, element, where)

    def group(self, element: dict[str, Any]) -> None:
        marker: dict[str, Any] = {"type": "begin_group", "name": element["name"],
                                  "label": self.texts(element.get("label")) or _both("")}
        self.expressions(marker, element)
        self.questions.append(marker)
        self.walk(element.get("children", []))
        self.questions.append({"type": "end_group", "name": element["name"]})

    def question(self, kind: str, element: dict[str, Any], where) -> None:
        bind = element.get("bind", {})
        question: dict[str, Any] = {"name": element["name"], "type": kind, "label": self.texts(element.get("label")),
                                    "required": bool(REQUIRED_VALUES.get(str(bind.get("required", "no")), False))}
        if question["label"] is None:
            if kind != "calculate":
                where.fail(_("falta la etiqueta (columna label)."))
            question["label"] = _both("")
        for key, source in (("hint", element.get("hint")), ("constraint_message", bind.get("jr:constraintMsg")),
                            ("required_message", bind.get("jr:requiredMsg"))):
            if source:
                question[key] = self.texts(source)
        if kind.startswith("select"):
            question["choices"] = [{"name": str(c["name"]), "label": self.texts(c.get("label")) or _both(c["name"])}
                                   for c in element.get("choices", [])]
        self.expressions(question, element)
        self.indicator(question, element, where)
        if kind == "calculate" and "calculation" not in question:
            where.fail(_("una pregunta calculate necesita su calculation."))
        elif kind != "calculate" and "calculation" in question:
            where.fail(_("calculation solo se admite en preguntas calculate."))
        if "default" in element:
            self.default(question, str(element["default"]), where)
        self.questions.append(question)

    def expressions(self, target: dict[str, Any], element: dict[str, Any]) -> None:
        """The expressions the raw pass parsed (with their row), under the definition's keys."""
        for key in EXPRESSION_COLUMNS:
            if (element["name"], key) in self.rows.expressions:
                text, ast = self.rows.expressions[(element["name"], key)]
                target[key] = text
                target.setdefault("ast", {})[key] = ast

    def indicator(self, question: dict[str, Any], element: dict[str, Any], where) -> None:
        """The catalogue code the question feeds (the raw pass checked code, type and uniqueness); a yes/no
        select_one needs a choice that means yes, or every answer would read as no."""
        code = str(element.get(INDICATOR_COLUMN) or "").strip()
        if not code:
            return
        question["indicator"] = code
        if question["type"] == "select_one" and not any(is_yes(c["name"]) for c in question.get("choices", [])):
            where.fail(_("el indicador «%(code)s» es de sí o no y la lista no tiene ninguna opción que signifique "
                         "sí; llame a esa opción si, sí, yes, true o 1.", code=code))

    def default(self, question: dict[str, Any], value: str, where) -> None:
        if _DYNAMIC_DEFAULT.search(value):
            where.fail(_("los valores por defecto calculados no están admitidos; use un valor fijo."))
        elif not _default_fits(question, value):
            where.fail(_("el valor por defecto «%(value)s» no es una respuesta válida para esta pregunta.",
                         value=value))
        else:
            question["default"] = value

    def texts(self, value: Any) -> dict[str, str] | None:
        """One text per UI language: the form's own translation, else its default language."""
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            return _both(str(value))
        fallback = value.get(self.default_language, value.get("default", next(iter(value.values()))))
        by_locale = {_locale_of(language): str(text) for language, text in value.items() if _locale_of(language)}
        return {locale: by_locale.get(locale, str(fallback)) for locale in LOCALES}


def _both(text: str) -> dict[str, str]:
    return dict.fromkeys(LOCALES, text)


def _locale_of(language: str) -> str | None:
    code = _LANGUAGE_CODE.search(language)
    lowered = (code.group(1) if code else language).strip().lower()
    return next((locale for locale, names in _LANGUAGE_NAMES.items() if lowered in names), None)


_DEFAULT_PATTERNS = {"integer": r"-?[0-9]+", "decimal": r"-?[0-9]+(\.[0-9]+)?", "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
                     "text": r".*"}


def _default_fits(question: dict[str, Any], value: str) -> bool:
    kind = question["type"]
    choices = {c["name"] for c in question.get("choices", [])}
    if kind == "select_one":
        return value in choices
    if kind == "select_multiple":
        return set(value.split()) <= choices
    if kind not in _DEFAULT_PATTERNS or not re.fullmatch(_DEFAULT_PATTERNS[kind], value, re.DOTALL):
        return False
    if kind in ("integer", "decimal") and abs(Decimal(value)) > MAX_NUMBER:
        return False  # an answer outside ±10^15 is refused: a default there could never be sent
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
    return True


def localized(stored: dict[str, Any], locale: str) -> list[dict[str, Any]]:
    """The questions as the contract shows them: every text in `locale` (es when it is neither)."""
    locale = locale if locale in LOCALES else "es"
    out = []
    for question in stored["questions"]:
        item = {}
        for key, value in question.items():
            if key in ("label", "hint", "constraint_message", "required_message"):
                item[key] = value[locale]
            elif key == "choices":
                item[key] = [{"name": c["name"], "label": c["label"][locale]} for c in value]
            else:
                item[key] = value
        out.append(item)
    return out



def replaced_figures(stored: dict[str, Any]) -> list[str]:
    """The visit's built-in figures this version asks itself: one indicator is never asked twice on a visit."""
    fed = feeds_of(stored)  # results' rule for which question feeds which indicator
    return [figure for figure, code in BUILTIN_FEEDS.items() if code in fed]
