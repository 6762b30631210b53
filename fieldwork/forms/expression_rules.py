"""What the grammar alone cannot say about an expression (expressions.py): each function's arguments of a
kind the evaluators need (position(..), indexed-repeat()'s references, count()/sum() of a reference, pulldata()'s
quoted file, jr:choice-name()'s quoted question, regex()'s dialect), and where `..` and bare names may stand.
Each refusal says why, in Spanish, for the upload to show with its sheet and row."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from flask_babel import gettext as _

from fieldwork.forms import regex_dialect


class ExpressionError(ValueError):
    """An expression outside the supported subset; the message is Spanish and says why."""


def checked_arguments(name: str, arguments: list) -> list:
    """The call's arguments as the evaluators read them (jr:choice-name()'s question made a reference), or
    ExpressionError."""
    if name == "regex" and arguments[1][0] == "str":
        _check_pattern(arguments[1][1])
    if name == "jr:choice-name":
        arguments[1] = _choice_question(arguments[1])
    if name in _ARGUMENT_RULES:
        _ARGUMENT_RULES[name](arguments)
    return arguments


def check_placement(ast: list, columns: bool) -> None:
    """`..` only as position(..)'s argument; a bare name only in a choice_filter (the keywords reach here)."""
    if ast == ["parent"]:
        raise ExpressionError(_("«..» solo se admite como argumento de position(..), dentro de una repetición."))
    for node in nodes(ast):
        if node[0] == "col" and not columns:
            raise ExpressionError(_("«%(word)s» no es una función ni una pregunta; una pregunta se escribe "
                                    "${%(word)s}.", word=node[1]))
        if ["parent"] in node[1:] and node[:2] != ["call", "position"]:
            raise ExpressionError(_("«..» solo se admite como argumento de position(..), dentro de una repetición."))


def nodes(ast: list) -> Iterator[list]:
    """Every node of the tree, without recursion (a stored tree may be as deep as the grammar allows)."""
    stack = [ast]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in node[1:] if isinstance(child, list))

def _position_argument(arguments: list) -> None:
    if arguments != [["parent"]]:
        raise ExpressionError(_("position() se escribe position(..): la posición de la repetición en que está "
                                "la pregunta."))


def _indexed_arguments(arguments: list) -> None:
    if len(arguments) % 2 == 0 or any(arguments[at][0] != "ref" for at in (0, *range(1, len(arguments), 2))):
        raise ExpressionError(_("indexed-repeat() se escribe indexed-repeat(${pregunta}, ${repetición}, número), "
                                "con hasta tres pares ${repetición}, número."))


def _nodeset_argument(name: str) -> Callable[[list], None]:
    def check(arguments: list) -> None:
        if arguments[0][0] != "ref":
            raise ExpressionError(_("%(name)s() se aplica a una pregunta o a una repetición: escriba "
                                    "%(name)s(${nombre}).", name=name))
    return check


def _pulldata_arguments(arguments: list) -> None:
    if arguments[0][0] != "str":
        raise ExpressionError(_("El primer argumento de pulldata() es el nombre del archivo CSV, entre comillas: "
                                "pulldata('archivo', 'columna', 'columna_clave', ${clave})."))


_ARGUMENT_RULES: dict[str, Callable[[list], None]] = {
    "position": _position_argument, "indexed-repeat": _indexed_arguments, "count": _nodeset_argument("count"),
    "sum": _nodeset_argument("sum"), "count-non-empty": _nodeset_argument("count-non-empty"),
    "pulldata": _pulldata_arguments,
}


_QUOTED_REF = re.compile(r"\$\{([^\W\d][\w.-]*)\}")


def _choice_question(argument: list) -> list:
    """jr:choice-name(value, '${question}'): the spec's order, as XLSForms write it (JavaRosa reads the
    quoted path as the select question). The quoted name becomes a reference, so upload checks the question
    exists like any ${name}; the evaluators read its name, not its value."""
    quoted = _QUOTED_REF.fullmatch(argument[1].strip()) if argument[0] == "str" else None
    if quoted is None:
        raise ExpressionError(_("El segundo argumento de jr:choice-name() es la pregunta de selección cuyas "
                                "opciones nombra, entre comillas: jr:choice-name(${pregunta}, '${pregunta}')."))
    return ["ref", quoted[1]]


def _check_pattern(pattern: str) -> None:
    """Only the dialect both engines read alike (and RE2 runs in linear time) is stored."""
    reason = regex_dialect.refusal(pattern)
    if reason is not None:
        raise ExpressionError(_("El patrón de regex() no se admite: %(reason)s", reason=reason))
