"""Every expression of an uploaded XLSForm parsed once with our grammar, and checked against the form.

A reference names a question (or a repeat, whose instances count() counts) of the form; `..` is read only as
position(..) inside a repeat; pulldata() names a CSV uploaded with the form; a choice_filter's bare names are the
choices' columns. Each reason names the sheet, the row and the column (fieldwork.forms.refusals).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from flask_babel import gettext as _

from fieldwork.forms.expressions import ExpressionError, nodes, parse, references, size
from fieldwork.forms.refusals import Refusals, Warnings
from fieldwork.forms.xpath import MAX_STEPS

#: Definition key → where pyxform's reader puts that column of a survey row.
EXPRESSION_COLUMNS = {"relevant": ("bind", "relevant"), "constraint": ("bind", "constraint"),
                      "calculation": ("bind", "calculate"), "repeat_count": ("control", "jr:count"),
                      "choice_filter": (None, "choice_filter")}
#: The key instance_name (settings) is kept under in the parsed expressions.
INSTANCE_NAME = ("", "instance_name")
_TEXT_REFERENCE = re.compile(r"\$\{([^}]*)\}")
#: Comparisons that read both sides as numbers (XPath 1.0 §3.4): a time of day is none, nor is '08:00'.
_ORDER_OPERATORS = {"<", "<=", ">", ">="}
_TIME_TEXT = re.compile(r"\s*\d{1,2}:\d{2}")

Parsed = dict[tuple[str, str], tuple[str, list]]


@dataclass
class FormNames:
    """What the raw pass learnt of the names: each one's type and the repeats it is inside, outermost first."""

    kinds: dict[str, str] = field(default_factory=dict)
    repeats: dict[str, tuple[str, ...]] = field(default_factory=dict)


def check_expressions(survey_rows: list[dict[str, Any]], names: FormNames, settings: dict[str, str],
                      tables: dict[str, dict], refusals: Refusals, *, warnings: Warnings) -> Parsed:
    """(question name, definition key) → (the expression as written, its AST), every problem to `refusals`,
    what is accepted but cannot do what it seems to `warnings`. `tables` has None for a file received but
    refused (its own refusal says why)."""
    checker = _Checker(names, {PurePath(f).stem: t for f, t in tables.items()}, refusals, warnings)
    for raw in survey_rows:
        name = str(raw.get("name", "")).strip()
        for key, (group, column) in EXPRESSION_COLUMNS.items():
            source = raw.get(group, {}) if group else raw
            if isinstance(source, dict) and str(source.get(column, "")).strip():
                checker.expression(name, key, str(source[column]), raw["__row"])
        for column in ("label", "hint"):
            texts = raw.get(column, "")
            text = " ".join(map(str, texts.values())) if isinstance(texts, dict) else str(texts)
            checker.check_references(set(_TEXT_REFERENCE.findall(text)), refusals.at("survey", raw["__row"], column))
    if settings.get("instance_name"):
        checker.expression("", "instance_name", settings["instance_name"], None)
    _check_total_size(checker.sizes, refusals)
    return checker.parsed


class _Checker:
    def __init__(self, names: FormNames, stems: dict[str, dict | None], refusals: Refusals, warnings: Warnings):
        self.names, self.stems, self.refusals, self.warnings = names, stems, refusals, warnings
        self.parsed: Parsed = {}
        self.sizes: list[tuple[int, int, str]] = []  # (nodes, row, column) of each expression

    def expression(self, name: str, key: str, text: str, row: int | None) -> None:
        where = (self.refusals.at("settings", 2, key) if key == "instance_name"
                 else self.refusals.at("survey", row, key))
        try:
            ast = parse(text, columns=True) if key == "choice_filter" else parse(text)
        except ExpressionError as error:
            where.fail(str(error))
            return
        self.parsed[(name, key)] = (text, ast)
        self.sizes.append((size(ast), row or 0, key))
        self.check_references(references(ast), where)
        # A repeat's own relevant and count are read outside its instances (ODK: on the repeat's parent).
        inside = self.names.repeats.get(name, ())[:-1] if self.names.kinds.get(name) == "begin_repeat" \
            else self.names.repeats.get(name, ())
        self.check_nodes(ast, bool(inside), where)
        if row is not None:
            self.warn_time_as_text(name, text, ast, row, key)

    def check_references(self, targets: set[str], where) -> None:
        for target in sorted(targets):
            if target not in self.names.kinds:
                where.fail(_("${%(name)s} no es ninguna pregunta del formulario.", name=target))
            elif self.names.kinds[target] == "begin_group":
                where.fail(_("${%(name)s} es un grupo, no una pregunta.", name=target))

    def check_nodes(self, ast: list, in_repeat: bool, where) -> None:
        for node in nodes(ast):  # the grammar already holds `..` to position(..)
            if node == ["parent"] and not in_repeat:
                where.fail(_("position(..) da el número de la repetición en curso, y esta fila no está dentro de "
                             "una repetición (begin_repeat)."))
            elif node[:2] == ["call", "pulldata"]:
                self.check_pulldata(node, where)

    def warn_time_as_text(self, name: str, text: str, ast: list, row: int, column: str) -> None:
        """`. >= '08:00:00'` on a time question is accepted by ODK and by Fieldwork, and is always false: an
        ordering comparison reads both sides as numbers and neither a time nor its text is one. Said, not
        refused: the spec makes it so (it never refuses an answer, it never shows a question)."""
        def is_time(side: list) -> bool:
            target = name if side == ["self"] else side[1] if side[0] == "ref" else None
            return self.names.kinds.get(target) == "time"

        for node in nodes(ast):
            if node[0] not in _ORDER_OPERATORS or len(node) != 3:
                continue
            literal = node[2] if is_time(node[1]) else node[1] if is_time(node[2]) else None
            if literal and literal[0] == "str" and _TIME_TEXT.match(literal[1]):
                self.warnings.at_row("survey", row, column, _(
                    "«%(text)s» compara una hora con el texto «%(time)s»: en las expresiones de ODK los dos lados "
                    "de <, <=, > y >= se leen como números, una hora no lo es, y la comparación siempre es falsa. "
                    "Para comparar horas escriba decimal-time(.) >= decimal-time('%(time)s').",
                    text=text, time=literal[1]))
                return

    def check_pulldata(self, node: list, where) -> None:
        """pulldata('stem', 'column', 'key column', key): the file and, when written literally, its columns."""
        source = node[2]  # a quoted name: the grammar refuses any other
        if source[1] not in self.stems:
            where.fail(_("pulldata() lee el archivo «%(file)s.csv», que no se subió con el formulario; súbalo "
                         "junto al XLSForm.", file=source[1]))
            return
        table = self.stems[source[1]]
        for argument in node[3:5] if table else ():
            if argument[0] == "str" and argument[1] not in table["columns"]:
                where.fail(_("el archivo «%(file)s.csv» no tiene la columna «%(column)s» (tiene: %(columns)s).",
                             file=source[1], column=argument[1], columns=", ".join(table["columns"])))


def _check_total_size(sizes: list[tuple[int, int, str]], refusals: Refusals) -> None:
    """A visit runs each expression at most once and the server's budget is MAX_STEPS nodes per visit: a form
    whose expressions total more could have a visit refused for it, one within it never can."""
    total = sum(nodes for nodes, _row, _column in sizes)
    if total <= MAX_STEPS:
        return
    largest, row, column = max(sizes, key=lambda found: found[0])  # the first of the largest
    refusals.at("survey", None).fail(_(
        "las expresiones (relevant, constraint y calculation) suman %(total)s operaciones y el máximo por "
        "formulario es %(limit)s: con más, una visita podría pasar de lo que el servidor evalúa por visita y ser "
        "rechazada. Simplifique las expresiones o reparta las preguntas en dos formularios; la más grande está en "
        "la fila %(row)d, columna %(column)s, con %(largest)s operaciones.",
        total=_thousands(total), limit=_thousands(MAX_STEPS), row=row, column=column, largest=_thousands(largest)))


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")
