"""Turns pyxform's JSON survey into Fieldwork's form definition, parsing every expression once.

The stored definition keeps each text in both UI languages (`{"es": ..., "en": ...}`) so that a version
never needs its workbook again; `localized` picks one language for a page or an API answer.
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from fieldwork.forms.answer_types import ANSWERED_TYPES
from fieldwork.forms.definition_parts import default_refusal, file_choices_of, range_parameters
from fieldwork.forms.expressions import column_names
from fieldwork.forms.refusals import FormRefused, Refusals
from fieldwork.forms.row_checks import INDICATOR_COLUMN, allows_duplicates
from fieldwork.forms.subset import METADATA_TYPES, PYXFORM_TYPES, REQUIRED_VALUES
from fieldwork.forms.survey_expressions import EXPRESSION_COLUMNS, INSTANCE_NAME
from fieldwork.forms.xlsform import SurveyRows
from fieldwork.results.catalogue import BUILTIN_FEEDS
from fieldwork.results.definitions import feeds_of, is_yes

LOCALES = ("es", "en")
_LANGUAGE_NAMES = {"es": {"es", "español", "espanol", "spanish", "castellano"},
                   "en": {"en", "english", "inglés", "ingles"}}
_LANGUAGE_CODE = re.compile(r"\((\w\w)\)\s*$")
_SELECTS = ("select_one", "select_multiple", "rank")
#: A choice's keys that are not its own columns (pyxform's `media`: images of choices are not shown).
_CHOICE_KEYS = {"name", "label", "media"}
#: Texts pyxform gives its or_other expansion, in English only, and what the stored definition says in each UI
#: language (stored data, both languages, whatever the uploader's own language is).
_OTHER_CHOICE, _OTHER_LABEL = "Other", "Specify other."
_OTHER_TEXTS = {_OTHER_CHOICE: {"es": "Otro", "en": "Other"},
                _OTHER_LABEL: {"es": "Especifique otro.", "en": "Specify other."}}


def build_definition(survey: dict[str, Any], rows: SurveyRows, fallback_id: str) -> dict[str, Any]:
    """The stored definition of a workbook pyxform has read (contract v3, forms-v3-spec §1), or FormRefused."""
    refusals = Refusals()
    default_language = survey.get("default_language") or "default"
    builder = _Builder(refusals, rows, default_language)
    builder.walk(survey.get("children", []))
    refusals.raise_if_any()
    if not any(q["type"] in ANSWERED_TYPES for q in builder.questions):
        raise FormRefused([_("Hoja survey: el formulario no tiene ninguna pregunta que responder.")])
    stored = {
        "form_id": rows.settings.get("form_id") or fallback_id,
        "version": rows.settings.get("version", ""),
        "title": rows.settings.get("form_title") or survey.get("title") or fallback_id,
        "questions": builder.questions,
    }
    if INSTANCE_NAME in rows.expressions:
        stored["instance_name"], stored["instance_name_ast"] = rows.expressions[INSTANCE_NAME]
    if rows.tables:
        stored["tables"] = {filename.rsplit(".", 1)[0]: table for filename, table in rows.tables.items()}
    stored["warnings"] = rows.warnings
    return stored


class _Builder:
    def __init__(self, refusals: Refusals, rows: SurveyRows, default_language: str):
        self.refusals, self.rows, self.default_language = refusals, rows, default_language
        self.questions: list[dict[str, Any]] = []

    def walk(self, children: list[dict[str, Any]]) -> None:
        for element in children:
            name = element.get("name", "")
            if name == "meta" and element.get("control", {}).get("bodyless"):
                # pyxform's instanceID and instanceName (the visit's UUID, settings' instance_name); its audit
                self.walk([child for child in element.get("children", []) if child.get("type") in METADATA_TYPES])
                continue
            kind = PYXFORM_TYPES.get(element.get("type", ""))
            if name not in self.rows.rows:
                self.generated(kind, element)
                continue
            where = self.refusals.at("survey", self.rows.rows[name])
            if kind in ("group", "repeat"):
                self.section(kind, element)
            elif kind is None:
                where.fail(_("el tipo «%(type)s» no está admitido.", type=element.get("type")))
            else:
                self.question(kind, element, where)

    def generated(self, kind: str | None, element: dict[str, Any]) -> None:
        """What pyxform adds without a row: or_other's text question (kept, relevant when `other` is chosen);
        a repeat_count's calculate (dropped: the repeat keeps the expression as written)."""
        name = element.get("name", "")
        base = name.removesuffix("_other")
        if kind == "text" and name.endswith("_other") and base in self.rows.rows:
            label = element.get("label")
            question = {"name": name, "type": "text", "required": False,
                        "label": dict(_OTHER_TEXTS[_OTHER_LABEL]) if _is_pyxform(label, _OTHER_LABEL)
                        else self.texts(label) or _both(name),
                        "relevant": f"selected(${{{base}}}, 'other')",
                        "ast": {"relevant": ["call", "selected", ["ref", base], ["str", "other"]]}}
            self.questions.append(question)

    def section(self, kind: str, element: dict[str, Any]) -> None:
        begin, end = ("begin_group", "end_group") if kind == "group" else ("begin_repeat", "end_repeat")
        marker: dict[str, Any] = {"type": begin, "name": element["name"],
                                  "label": self.texts(element.get("label")) or _both("")}
        self.expressions(marker, element)
        self.questions.append(marker)
        self.walk(element.get("children", []))
        self.questions.append({"type": end, "name": element["name"]})

    def question(self, kind: str, element: dict[str, Any], where) -> None:
        if kind in METADATA_TYPES.values():
            self.questions.append({"type": kind, "name": element["name"]})
            return
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
        if kind == "range":
            question["parameters"] = range_parameters(element.get("parameters") or {}, where)
        if kind in _SELECTS:
            self.choices(question, element, where)
        self.expressions(question, element)
        self.indicator(question, element, where)
        if kind == "calculate" and "calculation" not in question:
            where.fail(_("una pregunta calculate necesita su calculation."))
        elif kind != "calculate" and "calculation" in question:
            where.fail(_("calculation solo se admite en preguntas calculate."))
        if "default" in element:
            reason = default_refusal(question, str(element["default"]))
            if reason:
                where.fail(reason)
            else:
                question["default"] = str(element["default"])
        self.questions.append(question)

    def choices(self, question: dict[str, Any], element: dict[str, Any], where) -> None:
        """The list's choices (the choices sheet's, or a CSV's rows), with the list's extra columns."""
        raw = element.get("choices")
        filename = str(element.get("itemset", ""))
        if raw is None and filename in self.rows.tables:
            question["file"] = filename
            raw = file_choices_of(self.rows.tables[filename], filename, element.get("parameters") or {},
                                  allow_duplicates=allows_duplicates(self.rows.settings), refusals=self.refusals,
                                  where=where)
        extra = sorted({key for c in raw or [] for key in c if key not in _CHOICE_KEYS})
        question["choices"] = []
        for item in raw or []:
            label = item.get("label")
            choice: dict[str, Any] = {"name": str(item["name"]), "label": (
                dict(_OTHER_TEXTS[_OTHER_CHOICE]) if item["name"] == "other" and _is_pyxform(label, _OTHER_CHOICE)
                else self.texts(label) or _both(str(item["name"])))}
            if extra:
                choice["columns"] = {key: _cell(item.get(key)) for key in extra}
            question["choices"].append(choice)
        self.filter_columns(element, ["name", "label", *extra], where)

    def filter_columns(self, element: dict[str, Any], columns: list[str], where) -> None:
        """A choice_filter reads columns the list has: a misspelt one would empty the list on every phone."""
        _text, ast = self.rows.expressions.get((element["name"], "choice_filter"), ("", []))
        for column in sorted((column_names(ast) if ast else set()) - set(columns)):
            where.fail(_("choice_filter lee la columna «%(column)s», que la lista de opciones no tiene (tiene: "
                         "%(columns)s).", column=column, columns=", ".join(columns)))

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

    def texts(self, value: Any) -> dict[str, str] | None:
        """One text per UI language: the form's own translation, else its default language."""
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            return _both(str(value))
        fallback = value.get(self.default_language, value.get("default", next(iter(value.values()))))
        by_locale = {_locale_of(language): str(text) for language, text in value.items() if _locale_of(language)}
        return {locale: by_locale.get(locale, str(fallback)) for locale in LOCALES}


def _is_pyxform(label: Any, english: str) -> bool:
    """The text is pyxform's own (in every language of the form), not the author's."""
    return label == english or (isinstance(label, dict) and bool(label) and set(label.values()) == {english})


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _both(text: str) -> dict[str, str]:
    return dict.fromkeys(LOCALES, text)


def _locale_of(language: str) -> str | None:
    code = _LANGUAGE_CODE.search(language)
    lowered = (code.group(1) if code else language).strip().lower()
    return next((locale for locale, names in _LANGUAGE_NAMES.items() if lowered in names), None)


def localized(stored: dict[str, Any], locale: str) -> list[dict[str, Any]]:
    """The questions as the contract shows them: every text in `locale` (es when it is neither), groups as their
    markers, and each repeat as one item whose `children` are its own items (forms-v3-spec §1)."""
    locale = locale if locale in LOCALES else "es"
    out: list[dict[str, Any]] = []
    levels = [out]  # the list each item goes into: a repeat's children while it is open
    for question in stored["questions"]:
        if question["type"] == "end_repeat":
            levels.pop()
            continue
        item = _localized_item(question, locale)
        levels[-1].append(item)
        if question["type"] == "begin_repeat":
            item["type"], item["children"] = "repeat", []
            levels.append(item["children"])
    return out


def _localized_item(question: dict[str, Any], locale: str) -> dict[str, Any]:
    item = {}
    for key, value in question.items():
        if key in ("label", "hint", "constraint_message", "required_message"):
            item[key] = value[locale]
        elif key == "choices":
            # A choice's columns go only where a choice_filter reads them (the phone filters with them).
            shown = ("columns",) if "choice_filter" in question else ()
            item[key] = [{"name": c["name"], "label": c["label"][locale],
                          **{k: c[k] for k in shown if k in c}} for c in value]
        else:
            item[key] = value
    return item


def replaced_figures(stored: dict[str, Any]) -> list[str]:
    """The visit's built-in figures this version asks itself: one indicator is never asked twice on a visit."""
    fed = feeds_of(stored)  # results' rule for which question feeds which indicator
    return [figure for figure, code in BUILTIN_FEEDS.items() if code in fed]
